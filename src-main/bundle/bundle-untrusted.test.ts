import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/index.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleRunSummary } from '../../src-shared/bundle/bundle-format.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { emptyDocument, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createPlumbApp } from '../composition.js';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './bundle-limits.js';
import { loadBundleDocument, openBundle } from './open-bundle.js';
import { jsonEntry, writeBundle, type ManifestHead } from './write-bundle.js';

/**
 * Bundles from strangers: every way a file can lie (tampered entry, zip-slip name, bomb, newer
 * format, unlisted entry, broken entry, not a zip at all) is refused with a message naming the
 * entry, and nothing is written outside the state folder's review folder.
 */
let dir: string;
let home: string;
let good: Uint8Array;

const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x: 0, y: 0 }, params });
const doc: PipelineDocument = { ...emptyDocument('untrusted', 'Untrusted'), nodes: [node('penguins', 'ingest.sample', { dataset: 'penguins' })] };
const head: ManifestHead = {
  format: BUNDLE_FORMAT,
  version: BUNDLE_VERSION,
  appVersion: 'test',
  createdAt: '2026-01-01T00:00:00.000Z',
  pipeline: { id: doc.id, name: doc.name },
  run: null,
  withModels: false,
};
const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');

async function bundle(name: string, entries: { path: string; data: Uint8Array }[], manifest: ManifestHead = head): Promise<string> {
  const out = join(dir, `${name}.plumbz`);
  await writeBundle(out, manifest, entries);
  return out;
}
/** A zip written straight with fflate, for files no Plumb would write. */
async function rawZip(name: string, files: Record<string, Uint8Array>, level: 0 | 6 = 6): Promise<string> {
  const out = join(dir, `${name}.plumbz`);
  const zippable: Zippable = {};
  for (const [k, v] of Object.entries(files)) zippable[k] = [v, { level }];
  await writeFile(out, zipSync(zippable));
  return out;
}
/**
 * A zip whose first entry is `inflated` zero bytes, deflated by zlib (fflate's deflate would take
 * seconds over 200 MB). Written as a stored entry of the same length, then relabelled deflated:
 * the sizes it declares are the compressed ones, a lie a reader must not believe.
 */
async function bombZip(name: string, entry: string, inflated: number, rest: Record<string, Uint8Array>): Promise<string> {
  const deflated = deflateRawSync(Buffer.alloc(inflated), { level: 1 });
  const zippable: Zippable = { [entry]: [new Uint8Array(deflated.length).fill(0xab), { level: 0 }] };
  for (const [k, v] of Object.entries(rest)) zippable[k] = [v, { level: 6 }];
  const zip = Buffer.from(zipSync(zippable));
  const start = 30 + Buffer.byteLength(entry);
  deflated.copy(zip, start);
  zip.writeUInt16LE(8, 8);
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt16LE(8, central + 10);
  const out = join(dir, `${name}.plumbz`);
  await writeFile(out, zip);
  return out;
}

const open = (path: string, limits?: BundleLimits) => openBundle({ path }, { home, catalogue, ...(limits ? { limits } : {}) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1-untrusted-'));
  home = join(dir, 'home');
  good = await readFile(await bundle('good', [{ path: 'pipeline.plumb', data: text(toCanonicalJson(doc)) }]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opening a bundle from anyone', () => {
  it('opens a well-formed bundle and reads its pipeline', async () => {
    const { opened } = await open(join(dir, 'good.plumbz'));
    expect(opened.document).toEqual(doc);
    expect(opened.summary).toBeNull();
    expect(opened.warnings).toEqual([]);
    expect((await loadBundleDocument(join(dir, 'good.plumbz'))).document).toEqual(doc);
  });

  it('refuses an entry changed after export (same manifest), naming the entry', async () => {
    const files = unzipSync(good);
    const changed = toCanonicalJson({ ...doc, nodes: [node('penguins', 'ingest.sample', { dataset: 'titanic' })] });
    const path = await rawZip('tampered', { ...files, 'pipeline.plumb': text(changed) });
    await expect(open(path)).rejects.toMatchObject({ code: 'tampered', message: expect.stringContaining('entry "pipeline.plumb" does not match the hash in its manifest') });

    // One flipped byte in a stored (uncompressed) entry, the zip otherwise untouched.
    const stored = await readFile(await rawZip('stored', files, 0));
    const at = Buffer.from(stored).indexOf('"penguins"') + 2;
    stored[at] ^= 0x01;
    await writeFile(join(dir, 'flipped.plumbz'), stored);
    await expect(open(join(dir, 'flipped.plumbz'))).rejects.toMatchObject({ code: 'tampered', message: expect.stringContaining('"pipeline.plumb"') });
  });

  it('refuses a zip-slip entry before writing anything, and writes nothing outside', async () => {
    const files = unzipSync(good);
    for (const [i, evil] of ['../x', '../../etc/evil', '/abs/x', 'C:/x', 'models\\..\\..\\x', 'models/../../x.onnx'].entries()) {
      const path = await rawZip(`slip-${i}`, { ...files, [evil]: text('owned') });
      await expect(open(path)).rejects.toMatchObject({ code: 'unsafe-entry', message: expect.stringContaining(`entry "${evil}" is refused`) });
    }
    // An allowed-looking name that is not a bundle entry is refused too.
    await expect(open(await rawZip('stray', { ...files, 'run/x.sh': text('rm -rf /') }))).rejects.toMatchObject({ code: 'unsafe-entry' });
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(existsSync(join(home, 'reviews'))).toBe(false);
    expect((await readdir(dir)).filter((f) => !f.endsWith('.plumbz'))).toEqual([]);
  });

  it('stops a zip bomb while inflating, whatever the zip declares', async () => {
    // 200 MB of zeros deflate to under 1 MB; the limit is lowered so the test stays quick.
    const path = await bombZip('bomb', 'run/responses.json', 200 * 1024 * 1024, unzipSync(good));
    expect((await readFile(path)).length).toBeLessThan(2_000_000);
    const limits: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, maxJsonEntryBytes: 8 * 1024 * 1024 };
    const started = performance.now();
    await expect(open(path, limits)).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('entry "run/responses.json" is refused: it expands beyond 8388608 bytes') });
    expect(performance.now() - started).toBeLessThan(5000);

    // Entries each under the per-entry limit, together over the total.
    const many = await rawZip('many', { ...unzipSync(good), 'models/a-v1.json': new Uint8Array(300_000), 'models/b-v1.json': new Uint8Array(300_000) });
    await expect(open(many, { ...DEFAULT_BUNDLE_LIMITS, maxTotalBytes: 400_000 })).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('the bundle expands beyond 400000 bytes') });
    await expect(open(many, { ...DEFAULT_BUNDLE_LIMITS, maxEntries: 2 })).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('holds 4 entries') });
    await expect(open(many, { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: 1000 })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('refuses a bundle from a newer format with a clear message, before reading the rest', async () => {
    const files = unzipSync(good);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as Record<string, unknown>;
    const path = await rawZip('newer', { ...files, 'manifest.json': text(JSON.stringify({ ...manifest, version: 2, somethingNew: { x: 1 } })) });
    await expect(open(path)).rejects.toMatchObject({
      code: 'newer-format',
      message: `${path} was made by a newer Plumb (bundle format 2); this Plumb reads format 1: update Plumb to open it`,
    });
    const other = await rawZip('other', { ...files, 'manifest.json': text(JSON.stringify({ ...manifest, format: 'zip.of.things' })) });
    await expect(open(other)).rejects.toMatchObject({ code: 'not-a-bundle', message: expect.stringContaining('not a Plumb review bundle') });
  });

  it('refuses an entry the manifest does not list, and a listed entry that is missing', async () => {
    const files = unzipSync(good);
    const extra = await rawZip('unlisted', { ...files, 'comments.json': text('[]') });
    await expect(open(extra)).rejects.toMatchObject({ code: 'unlisted-entry', message: expect.stringContaining('entry "comments.json" is not listed in the manifest') });
    const { 'pipeline.plumb': _gone, ...rest } = files;
    await expect(open(await rawZip('missing', rest))).rejects.toMatchObject({ code: 'missing-entry', message: expect.stringContaining('"pipeline.plumb"') });
  });

  it('refuses a broken entry naming the entry and the field', async () => {
    const summary = { runId: 'run_1', status: 'succeeded', startedAt: 1, endedAt: 2, ms: 1, nodes: [{ id: 'penguins', type: 'ingest.sample' }] };
    const path = await bundle('broken', [
      { path: 'pipeline.plumb', data: text(toCanonicalJson(doc)) },
      { path: 'run/summary.json', data: jsonEntry(summary) },
    ]);
    await expect(open(path)).rejects.toMatchObject({ code: 'bad-entry', message: expect.stringMatching(/entry "run\/summary.json" is not valid: nodes\[0\]\.label: /) });
    const notJson = await bundle('not-json', [
      { path: 'pipeline.plumb', data: text(toCanonicalJson(doc)) },
      { path: 'comments.json', data: text('[{"id": ') },
    ]);
    await expect(open(notJson)).rejects.toMatchObject({ code: 'bad-entry', message: expect.stringContaining('entry "comments.json" is not valid JSON') });
    const badDoc = await bundle('bad-doc', [{ path: 'pipeline.plumb', data: text('{"format":"plumb.pipeline","version":99}') }]);
    await expect(open(badDoc)).rejects.toMatchObject({ code: 'bad-entry', message: expect.stringContaining('entry "pipeline.plumb" was saved by a newer Plumb') });
    const card = await bundle('bad-card', [
      { path: 'pipeline.plumb', data: text(toCanonicalJson(doc)) },
      { path: 'models/m-v1.json', data: jsonEntry({ name: 'm', version: 1 }) },
    ]);
    await expect(open(card)).rejects.toMatchObject({ code: 'bad-entry', message: expect.stringContaining('entry "models/m-v1.json" is not valid: stage:') });
  });

  it('refuses files that are not zips, or truncated ones, with a clear message', async () => {
    await writeFile(join(dir, 'text.plumbz'), 'just some text, not a zip at all\n');
    await expect(open(join(dir, 'text.plumbz'))).rejects.toMatchObject({ code: 'not-a-bundle', message: expect.stringContaining('is not a Plumb review bundle: not a zip file (or a truncated one)') });
    await writeFile(join(dir, 'half.plumbz'), good.subarray(0, Math.floor(good.length / 2)));
    await expect(open(join(dir, 'half.plumbz'))).rejects.toMatchObject({ code: 'not-a-bundle' });
    // Cut just before the end record: the directory points past the data that is left.
    await writeFile(join(dir, 'cut.plumbz'), Buffer.concat([good.subarray(0, 40), good.subarray(good.length - 22)]));
    await expect(open(join(dir, 'cut.plumbz'))).rejects.toMatchObject({ code: 'not-a-bundle', message: expect.stringMatching(/damaged|truncated/) });
    await expect(open(join(dir, 'nope.plumbz'))).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('no such file') });
    await expect(open(await rawZip('empty', {}))).rejects.toMatchObject({ code: 'not-a-bundle', message: expect.stringContaining('no manifest.json') });
  });
});

describe('a pipeline that reads local files', () => {
  it('is exported without the data and flagged on open; nothing is read', async () => {
    const app = await createPlumbApp({ home: join(dir, 'export-home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
    try {
      const reads: PipelineDocument = {
        ...emptyDocument('reads-files', 'Reads files'),
        nodes: [node('passwd', 'ingest.csv', { path: '/etc/passwd' }), node('up', 'ingest.csv', { path: '../../x.csv' }), node('here', 'ingest.parquet', { path: 'data/x.parquet' })],
      };
      await mkdir(join(dir, 'project'), { recursive: true });
      const file = join(dir, 'project', 'reads.plumb');
      await writeFile(file, toCanonicalJson(reads));
      const out = join(dir, 'reads.plumbz');
      const exported = (await app.call('bundle.export', { path: file, out })) as { warnings: string[] };
      expect(exported.warnings).toEqual([
        'pipeline "Reads files" (reads-files) has never run here: the bundle holds the pipeline only, no results',
        'node "passwd" reads /etc/passwd: the file is not in the bundle, reviewers see only the recorded results',
        'node "up" reads ../../x.csv: the file is not in the bundle, reviewers see only the recorded results',
        'node "here" reads data/x.parquet: the file is not in the bundle, reviewers see only the recorded results',
      ]);
      const opened = (await app.call('bundle.open', { path: out })) as { fileReferences: unknown; warnings: string[]; summary: BundleRunSummary | null };
      expect(opened.fileReferences).toEqual([
        { nodeId: 'passwd', param: 'path', path: '/etc/passwd', outside: true },
        { nodeId: 'up', param: 'path', path: '../../x.csv', outside: true },
        { nodeId: 'here', param: 'path', path: 'data/x.parquet', outside: false },
      ]);
      expect(opened.warnings).toContain('node "passwd" reads /etc/passwd (outside the bundle): not in the bundle, nothing is read in review');
      expect(opened.summary).toBeNull();
      // /etc/passwd's first line never made it into the bundle.
      const passwd = (await readFile('/etc/passwd', 'utf8')).split('\n')[0];
      expect(Buffer.from(await readFile(out)).includes(passwd)).toBe(false);
      expect(JSON.stringify(opened).includes(passwd)).toBe(false);
    } finally {
      await app.dispose();
    }
  });
});
