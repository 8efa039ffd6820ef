import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `plumb export` and `plumb open` as a user's script runs them, on the penguins profile example. */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const EXAMPLE = join(ROOT, 'examples/penguins-profile.plumb');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1-bundle-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plumb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, PLUMB_HOME: join(dir, 'default-home') } }, (err, stdout, stderr) => {
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('plumb export / plumb open', () => {
  it('exports the last run and opens it on a fresh state folder; a tampered bundle exits 2', async () => {
    const home = join(dir, 'home');
    const run = await plumb('run', EXAMPLE, '--json', '--home', home);
    expect(run.code).toBe(0);
    const runId = (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { run: string }).run;

    const out = join(dir, 'penguins.plumbz');
    const exported = await plumb('export', EXAMPLE, '--out', out, '--home', home, '--json');
    expect(exported.code, exported.stderr).toBe(0);
    const result = JSON.parse(exported.stdout) as { out: string; entries: number; warnings: string[] };
    expect(result).toMatchObject({ out, entries: 4 });
    // The example reads ../samples/penguins.csv: the file is named, never carried.
    expect(result.warnings).toEqual(['node "read_penguins" reads ../samples/penguins.csv: the file is not in the bundle, reviewers see only the recorded results']);
    expect(exported.stderr).toContain('plumb: warning: node "read_penguins" reads ../samples/penguins.csv');

    const opened = await plumb('open', out, '--json', '--home', join(dir, 'fresh'));
    expect(opened.code, opened.stderr).toBe(0);
    const summary = JSON.parse(opened.stdout) as {
      pipeline: { id: string };
      summary: { runId: string; status: string; nodes: { id: string; status: string; metrics: Record<string, number> }[] };
      fileReferences: unknown[];
      comments: unknown[];
      responses: number;
    };
    expect(summary.pipeline.id).toBe('penguins-profile');
    expect(summary.summary.runId).toBe(runId);
    expect(summary.summary.nodes.map((n) => [n.id, n.status])).toEqual([
      ['read_penguins', 'succeeded'],
      ['profile', 'succeeded'],
    ]);
    expect(summary.fileReferences).toEqual([{ nodeId: 'read_penguins', param: 'path', path: '../samples/penguins.csv', outside: true }]);
    expect(summary.comments).toEqual([]);
    expect(summary.responses).toBeGreaterThan(5);

    const text = await plumb('open', out, '--home', join(dir, 'fresh'));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run ${runId}: succeeded`);
    expect(text.stdout).toMatch(/\n {2}read_penguins +ingest\.csv +succeeded/);
    expect(text.stdout).toContain('comments: 0');

    // One entry rewritten, the manifest kept: refused, with the entry named, exit 2.
    const files = unzipSync(new Uint8Array(await readFile(out)));
    files['pipeline.plumb'] = new TextEncoder().encode(new TextDecoder().decode(files['pipeline.plumb']).replace('Palmer', 'Palmar'));
    const tampered = join(dir, 'tampered.plumbz');
    await writeFile(tampered, zipSync(files));
    const refused = await plumb('open', tampered, '--home', join(dir, 'fresh'));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`plumb: ${tampered}: entry "pipeline.plumb" does not match the hash in its manifest: the bundle was changed after it was written\n`);
    // serve verifies a bundle before starting the host.
    const serve = await plumb('serve', tampered, '--port', '0', '--home', join(dir, 'fresh'));
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('does not match the hash in its manifest');

    const usage = await plumb('export', EXAMPLE, '--home', home);
    expect(usage).toMatchObject({ code: 2, stderr: 'plumb: missing --out BUNDLE (a .plumbz file)\n' });
    const exists = await plumb('open', join(dir, 'nope.plumbz'));
    expect(exists).toMatchObject({ code: 2, stderr: `plumb: ${join(dir, 'nope.plumbz')}: no such file\n` });
  }, 240_000);
});
