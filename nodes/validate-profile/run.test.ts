import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, quoteOwnPath, type DuckSession } from '../../src-main/data/duckdb.js';
import { ArtifactStore } from '../../src-main/engine/artifact-store.js';
import { runnerKey, type NodeRunFn, type RunnerRegistry } from '../../src-main/engine/node-runner.js';
import { runPipeline, type RunRequest } from '../../src-main/engine/sequential-runner.js';
import type { PlumbEvent } from '../../src-shared/api/contract.js';
import { createCatalogue, type Catalogue } from '../../src-shared/nodes/catalogue.js';
import type { NodeSpec } from '../../src-shared/nodes/spec.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { catalogue, NODE_SPECS } from '../index.js';
import { runners } from '../runners.js';
import type { ColumnProfile, ProfileReport } from './spec.js';

/**
 * validate.profile, and the sequential runner around the shipped nodes, through the real engine:
 * a real DuckDB, a real artifact store in a fresh temp home, and runPipeline.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PENGUINS = join(ROOT, 'samples', 'penguins.csv');
const EXAMPLE = join(ROOT, 'examples', 'penguins-profile.plumb');

let home: string;
let data: string;
let store: ArtifactStore;
let duck: DuckDatabase;
let reader: DuckSession;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'plumb-profile-'));
  data = join(home, 'data');
  await mkdir(data);
  store = new ArtifactStore(home);
  await store.init();
  duck = await DuckDatabase.open();
  reader = await duck.session();
});

afterAll(async () => {
  reader?.close();
  duck?.dispose();
  if (home) await rm(home, { recursive: true, force: true });
});

let nextY = 0;
function node(id: string, type: string, params: Record<string, unknown> = {}): PipelineNode {
  return { id, type, typeVersion: 1, position: { x: 0, y: (nextY += 100) }, params };
}
function edge(id: string, from: string, fromPort: string, to: string, toPort: string): PipelineEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}
function doc(nodes: PipelineNode[], edges: PipelineEdge[] = []): PipelineDocument {
  return { format: 'plumb.pipeline', version: 1, id: 'test', name: 'test', description: '', nodes, edges };
}

async function run(
  document: PipelineDocument,
  req: Partial<RunRequest> = {},
  engine: { catalogue: Catalogue; runners: RunnerRegistry } = { catalogue, runners },
) {
  const events: PlumbEvent[] = [];
  const record = await runPipeline(
    { ...engine, store, duck, emit: (e) => events.push(e) },
    { document, baseDir: data, ...req },
  );
  const statuses = Object.fromEntries([...record.nodes].map(([id, n]) => [id, n.status]));
  return { record, events, statuses };
}

async function reportOf(record: Awaited<ReturnType<typeof run>>['record'], id: string): Promise<ProfileReport> {
  const n = record.nodes.get(id);
  expect(n?.error).toBeUndefined();
  expect(n?.status).toBe('succeeded');
  return JSON.parse(await readFile(n!.outputs.report.path, 'utf8'));
}

const column = (report: ProfileReport, name: string): ColumnProfile => {
  const c = report.columns.find((col) => col.name === name);
  expect(c, `column ${name} in the profile`).toBeDefined();
  return c!;
};

const tmpFiles = (): Promise<string[]> => readdir(join(home, 'artifacts', 'tmp'));

describe('validate.profile on samples/penguins.csv', () => {
  let report: ProfileReport;

  beforeAll(async () => {
    // The shipped example, as the user opens it: relative paths resolve against its folder.
    const loaded = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const { record } = await run(loaded.document, { baseDir: join(ROOT, 'examples') });
    expect(record.status).toBe('succeeded');
    report = await reportOf(record, 'profile');
  });

  it('counts the rows and profiles all eight columns in file order', () => {
    expect(report.kind).toBe('profile');
    expect(report.rows).toBe(344);
    expect(report.columns.map((c) => c.name)).toEqual([
      'species',
      'island',
      'bill_length_mm',
      'bill_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
      'sex',
      'year',
    ]);
  });

  it('counts the missing values per column', () => {
    expect(column(report, 'bill_length_mm').nulls).toBe(2);
    expect(column(report, 'bill_length_mm').nullFraction).toBeCloseTo(2 / 344, 12);
    expect(column(report, 'sex').nulls).toBe(11);
    expect(column(report, 'species').nulls).toBe(0);
    expect(column(report, 'year').nulls).toBe(0);
  });

  it('counts distinct values', () => {
    expect(column(report, 'species').distinct).toBe(3);
    expect(column(report, 'island').distinct).toBe(3);
    expect(column(report, 'sex').distinct).toBe(2); // missing is not a value
    expect(column(report, 'year').distinct).toBe(3);
  });

  it('min, max and mean of body_mass_g equal what DuckDB computes on the CSV directly', async () => {
    const [ref] = await reader.objects(
      `SELECT min(body_mass_g)::DOUBLE AS lo, max(body_mass_g)::DOUBLE AS hi, avg(body_mass_g) AS mu,
              count(*) - count(body_mass_g) AS missing
       FROM read_csv($path)`,
      { path: PENGUINS },
    );
    const mass = column(report, 'body_mass_g');
    expect(mass.min).toBe(ref.lo);
    expect(mass.max).toBe(ref.hi);
    expect(mass.mean).toBeCloseTo(ref.mu as number, 9);
    expect(mass.nulls).toBe(ref.missing);
    // And the values are the ones known for the data set.
    expect(mass.min).toBe(2700);
    expect(mass.max).toBe(6300);
    expect(mass.mean).toBeCloseTo(4201.754, 3);
  });

  it('gives text columns no min, max or mean', () => {
    const species = column(report, 'species');
    expect(species.type).toBe('VARCHAR');
    expect('min' in species || 'max' in species || 'mean' in species).toBe(false);
  });

  it('the columns param restricts the profile to those columns', async () => {
    const { record } = await run(
      doc(
        [node('read', 'ingest.csv', { path: PENGUINS }), node('profile', 'validate.profile', { columns: ['sex', 'body_mass_g'] })],
        [edge('e1', 'read', 'out', 'profile', 'in')],
      ),
    );
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(344);
    // In the order of the table, whatever the order asked.
    expect(r.columns.map((c) => c.name)).toEqual(['body_mass_g', 'sex']);
    expect(column(r, 'sex').nulls).toBe(11);
  });

  it('fails naming the columns the input does not have', async () => {
    const { record } = await run(
      doc(
        [node('read', 'ingest.csv', { path: PENGUINS }), node('profile', 'validate.profile', { columns: ['sex', 'beak', 'wing'] })],
        [edge('e1', 'read', 'out', 'profile', 'in')],
      ),
    );
    expect(record.nodes.get('profile')?.status).toBe('failed');
    expect(record.nodes.get('profile')?.error).toBe('columns not in the input: beak, wing');
  });
});

describe('validate.profile column names and types', () => {
  it('profiles a column whose name has a double quote and a space (identifier quoting)', async () => {
    const file = join(data, 'odd-names.csv');
    await writeFile(
      file,
      ['"body ""mass"" g",species,"seen on","it\'s"', '3750,Adelie,2007-11-11,x', ',Gentoo,2008-01-02,y', '4100,Adelie,,x', ''].join('\n'),
    );
    const odd = 'body "mass" g';
    const { record } = await run(
      doc(
        [node('read', 'ingest.csv', { path: 'odd-names.csv' }), node('profile', 'validate.profile', { columns: [odd, 'seen on', "it's"] })],
        [edge('e1', 'read', 'out', 'profile', 'in')],
      ),
    );
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(3);
    expect(column(r, odd)).toEqual({ name: odd, type: 'BIGINT', nulls: 1, nullFraction: 1 / 3, distinct: 2, min: 3750, max: 4100, mean: 3925 });
    // Dates get min and max as text, and no mean.
    expect(column(r, 'seen on')).toEqual({
      name: 'seen on',
      type: 'DATE',
      nulls: 1,
      nullFraction: 1 / 3,
      distinct: 2,
      min: '2007-11-11',
      max: '2008-01-02',
    });
    expect(column(r, "it's")).toMatchObject({ nulls: 0, distinct: 2 });
  });

  it('profiles an empty table without dividing by zero', async () => {
    await writeFile(join(data, 'header-only.csv'), 'a,b\n');
    const { record } = await run(
      doc([node('read', 'ingest.csv', { path: 'header-only.csv' }), node('profile', 'validate.profile')], [edge('e1', 'read', 'out', 'profile', 'in')]),
    );
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(0);
    expect(r.columns.map((c) => [c.name, c.nulls, c.nullFraction])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
  });
});

describe('runPipeline with the shipped nodes', () => {
  it('a failing node skips its descendants while an independent branch succeeds', async () => {
    const { record, statuses, events } = await run(
      doc(
        [
          node('missing', 'ingest.csv', { path: 'not-there.csv' }),
          node('p1', 'validate.profile'),
          node('good', 'ingest.csv', { path: PENGUINS }),
          node('p2', 'validate.profile'),
        ],
        [edge('e1', 'missing', 'out', 'p1', 'in'), edge('e2', 'good', 'out', 'p2', 'in')],
      ),
    );
    expect(statuses).toEqual({ missing: 'failed', p1: 'skipped', good: 'succeeded', p2: 'succeeded' });
    expect(record.status).toBe('failed');
    expect(record.nodes.get('missing')?.error).toBe(`file not found: ${join(data, 'not-there.csv')}`);
    expect((await reportOf(record, 'p2')).rows).toBe(344);
    const last = events.at(-1);
    expect(last).toMatchObject({ event: 'run', run: record.runId, status: 'failed' });
    expect(await tmpFiles()).toEqual([]);
  });

  it('a run cancelled before it starts reports cancelled and runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { record, statuses, events } = await run(
      doc([node('read', 'ingest.csv', { path: PENGUINS }), node('p', 'validate.profile')], [edge('e1', 'read', 'out', 'p', 'in')]),
      { signal: controller.signal },
    );
    expect(record.status).toBe('cancelled');
    expect(statuses).toEqual({ read: 'cancelled', p: 'cancelled' });
    expect(events.filter((e) => e.event === 'node' && e.status === 'running')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ event: 'run', status: 'cancelled' });
  });

  it('until runs only the node and its ancestors', async () => {
    const d = doc(
      [
        node('read', 'ingest.csv', { path: PENGUINS }),
        node('p', 'validate.profile'),
        node('other', 'ingest.csv', { path: PENGUINS }),
        node('p_other', 'validate.profile'),
      ],
      [edge('e1', 'read', 'out', 'p', 'in'), edge('e2', 'other', 'out', 'p_other', 'in')],
    );
    const toP = await run(d, { until: 'p' });
    expect(toP.record.status).toBe('succeeded');
    expect(toP.statuses).toEqual({ read: 'succeeded', p: 'succeeded' });
    const toRead = await run(d, { until: 'read' });
    expect(toRead.statuses).toEqual({ read: 'succeeded' });
    const started = toRead.events.flatMap((e) => (e.event === 'node' && e.status === 'running' ? [e.node] : []));
    expect(started).toEqual(['read']);
  });

  it('until a node that does not exist fails the run with the reason', async () => {
    const { record, events, statuses } = await run(doc([node('read', 'ingest.csv', { path: PENGUINS })]), { until: 'nope' });
    expect(record.status).toBe('failed');
    expect(statuses).toEqual({});
    expect(events.at(-1)).toMatchObject({ event: 'run', status: 'failed', error: 'no node "nope" to run until' });
  });

  it('a pipeline with graph problems runs nothing and logs each problem', async () => {
    const { record, statuses, events } = await run(doc([node('read', 'ingest.csv', {}), node('p', 'validate.profile')]));
    expect(record.status).toBe('failed');
    expect(statuses).toEqual({});
    const logged = events.flatMap((e) => (e.event === 'log' ? [[e.node, e.level, e.message]] : []));
    expect(logged).toEqual([
      ['read', 'error', 'error: node read, field path: File is required [bad-param]'],
      ['p', 'error', 'error: node p, field in: input "in" is not connected [missing-input]'],
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'run', status: 'failed', error: 'the pipeline has 2 problems; fix them first' });
  });

  it('emits queued, running and succeeded with output summaries for each node', async () => {
    const { events, record } = await run(
      doc([node('read', 'ingest.csv', { path: PENGUINS }), node('p', 'validate.profile')], [edge('e1', 'read', 'out', 'p', 'in')]),
    );
    const nodeEvents = events.flatMap((e) => (e.event === 'node' ? [[e.node, e.status]] : []));
    expect(nodeEvents).toEqual([
      ['read', 'queued'],
      ['p', 'queued'],
      ['read', 'running'],
      ['read', 'succeeded'],
      ['p', 'running'],
      ['p', 'succeeded'],
    ]);
    const done = events.find((e) => e.event === 'node' && e.node === 'read' && e.status === 'succeeded');
    expect(done?.event === 'node' && done.outputs?.map((o) => [o.port, o.kind, o.rows])).toEqual([
      ['out', 'table', 344],
      ['rejected', 'table', 0],
    ]);
    // Stored by content: the artifact's name is its hash, under <home>/artifacts.
    const out = record.nodes.get('read')!.outputs.out;
    expect(out.path).toBe(join(home, 'artifacts', out.hash.slice(0, 2), `${out.hash}.parquet`));
    expect(await tmpFiles()).toEqual([]);
  });
});

describe('runPipeline cleans up after a node that fails or is cancelled', () => {
  // Test-only nodes, handed to the engine the way the composition root hands it the real ones.
  const writer: NodeSpec = {
    type: 'test.write_then',
    version: 1,
    category: 'feature',
    title: 'Write then fail',
    summary: 'test',
    docs: 'test',
    inputs: [{ name: 'in', type: 'table' }],
    outputs: [{ name: 'out', type: 'table' }],
    params: [
      {
        name: 'then',
        kind: 'enum',
        label: 'Then',
        default: 'fail',
        options: [
          { value: 'fail', label: 'fail' },
          { value: 'crash', label: 'crash' },
          { value: 'cancel', label: 'cancel' },
        ],
      },
    ],
  };
  let controller: AbortController;
  const writeThen: NodeRunFn = async (ctx, inputs, params) => {
    // Real partial work: a Parquet file in the store's temp folder, written by DuckDB.
    const file = ctx.tempPath('.parquet');
    await ctx.db.run(`COPY (SELECT * FROM read_parquet($p) LIMIT 10) TO ${quoteOwnPath(file)} (FORMAT parquet)`, { p: inputs.in.path });
    expect((await readdir(join(home, 'artifacts', 'tmp'))).length).toBeGreaterThan(0);
    if (params.then === 'fail') throw new Error('failed half way');
    if (params.then === 'crash') throw new TypeError('undefined is not a function');
    controller.abort();
    return { out: { kind: 'table', file, rows: 10, columns: [] } };
  };
  const engine = {
    catalogue: createCatalogue([...NODE_SPECS, writer]),
    runners: new Map<string, NodeRunFn>([...runners, [runnerKey('test.write_then', 1), writeThen]]),
  };
  const pipeline = (then: string) =>
    doc(
      [node('read', 'ingest.csv', { path: PENGUINS }), node('w', 'test.write_then', { then }), node('p', 'validate.profile')],
      [edge('e1', 'read', 'out', 'w', 'in'), edge('e2', 'w', 'out', 'p', 'in')],
    );

  it('no temp file is left in <home>/artifacts/tmp after a failed node', async () => {
    controller = new AbortController();
    const { statuses, record } = await run(pipeline('fail'), { signal: controller.signal }, engine);
    expect(statuses).toEqual({ read: 'succeeded', w: 'failed', p: 'skipped' });
    expect(record.nodes.get('w')?.error).toBe('failed half way');
    expect(await tmpFiles()).toEqual([]);
  });

  it('an unexpected error is logged with its stack, and cleaned up the same way', async () => {
    controller = new AbortController();
    const { statuses, events } = await run(pipeline('crash'), { signal: controller.signal }, engine);
    expect(statuses.w).toBe('failed');
    const stack = events.find((e) => e.event === 'log' && e.node === 'w' && e.level === 'error');
    expect(stack?.event === 'log' && stack.message).toMatch(/^TypeError: undefined is not a function\n\s+at /);
    expect(await tmpFiles()).toEqual([]);
  });

  it('a node cancelled while running keeps nothing partial, and the rest is cancelled', async () => {
    controller = new AbortController();
    const { statuses, record } = await run(pipeline('cancel'), { signal: controller.signal }, engine);
    expect(record.status).toBe('cancelled');
    expect(statuses).toEqual({ read: 'succeeded', w: 'cancelled', p: 'cancelled' });
    expect(record.nodes.get('w')?.outputs).toEqual({});
    expect(await tmpFiles()).toEqual([]);
  });
});
