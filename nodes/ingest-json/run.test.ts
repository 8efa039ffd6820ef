import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testNode } from '../../src-main/test-nodes/test-engine.js';

/** ingest.json through the real engine (worker pool, DuckDB, artifact store) on hand-made fixtures. */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-ingest-json-');
});

afterAll(async () => {
  await bed?.dispose();
});

async function ingest(params: Record<string, unknown>) {
  const record = await bed.engine.runFresh(testDocument([testNode('read', 'ingest.json', params)], []), FIXTURES);
  return { record, node: record.nodes.get('read')! };
}

const PEOPLE_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'score', type: 'DOUBLE' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'address', type: 'STRUCT(city VARCHAR, zip VARCHAR)' },
];

const PEOPLE = [
  { id: 1, name: 'Ann', score: 9.5, tags: ['a', 'b'], city: 'Oslo', zip: '0150' },
  { id: 2, name: 'Bjørn', score: null, tags: [], city: 'Bergen', zip: '5003' },
  { id: 3, name: 'Cid', score: 7.25, tags: ['c'], city: null, zip: null },
];

async function people(path: string) {
  return bed.db.objects('SELECT id, name, score, tags, address.city AS city, address.zip AS zip FROM read_parquet($path) ORDER BY id', { path });
}

describe('ingest.json formats', () => {
  it.each([
    ['people.json', 'array'],
    ['people.json', 'auto'],
    ['people.ndjson', 'ndjson'],
    ['people.ndjson', 'auto'],
  ])('%s as %s: the records, with nested objects as STRUCT and arrays as LIST', async (path, format) => {
    const { node, record } = await ingest({ path, format });
    expect(node.error).toBeUndefined();
    expect(record.status).toBe('succeeded');
    const out = node.outputs.out;
    expect(out.rows).toBe(3);
    expect(out.columns).toEqual(PEOPLE_COLUMNS);
    expect(await people(out.path)).toEqual(PEOPLE);
    // An ingest starts a fresh table: no preprocessing chain.
    expect(out.meta).toBeUndefined();
  });

  it('format array refuses a file of one record per line, saying what it found', async () => {
    const { node } = await ingest({ path: 'people.ndjson', format: 'array' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(/^people\.ndjson: Expected top-level JSON array with format='array', but first character is '\{'/);
  });
});

describe('ingest.json bad input', () => {
  it.each(['ndjson', 'auto'])('a malformed line in NDJSON is named by line and column (format %s)', async (format) => {
    const { node } = await ingest({ path: 'bad-line.ndjson', format });
    expect(node.status).toBe('failed');
    expect(node.error).toBe('bad-line.ndjson: line 3, column 11: expected a double-quoted property name, found "n"');
  });

  it.each(['array', 'auto'])('a malformed record in an array is named by line and column (format %s)', async (format) => {
    const { node } = await ingest({ path: 'bad-array.json', format });
    expect(node.status).toBe('failed');
    expect(node.error).toBe('bad-array.json: line 4, column 12: expected "," or "}", found "\\""');
  });

  it('a file cut short is reported as truncated', async () => {
    const { node } = await ingest({ path: 'truncated.json', format: 'array' });
    expect(node.error).toBe('truncated.json: line 3, column 22: unexpected end of file: the file looks truncated');
  });

  it('a value that does not fit its inferred type beyond the 20,480-record sample fails naming its line', async () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => JSON.stringify({ id: i + 1, v: i === 24_000 ? 'x' : i }));
    const path = join(bed.home, 'late-type.ndjson');
    await writeFile(path, `${lines.join('\n')}\n`);
    const { node } = await ingest({ path, format: 'ndjson' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(/^late-type\.ndjson: JSON transform error, in line 24001: Failed to cast value to numerical: "x"/);
  });

  it('an empty file fails: "<file> is empty"', async () => {
    const path = join(bed.home, 'empty.json');
    await writeFile(path, '');
    const { node } = await ingest({ path });
    expect(node.error).toBe('empty.json is empty');
  });

  it('a missing file fails with its full path', async () => {
    const { node } = await ingest({ path: 'nope.json' });
    expect(node.error).toBe(`file not found: ${join(FIXTURES, 'nope.json')}`);
  });
});

describe('ingest.json with a file name pattern (a rotated log read whole)', () => {
  it('reads every matching segment as one table, and a new segment changes the cache key and the lineage inputs', async () => {
    const dir = join(bed.home, 'log');
    await mkdir(dir, { recursive: true });
    const line = (i: number, extra: Record<string, unknown> = {}) => JSON.stringify({ tenure: i, contract: i % 2 ? 'Month-to-month' : 'One year', _version: 1, ...extra });
    await writeFile(join(dir, 'predictions-000001.jsonl'), [1, 2, 3].map((i) => line(i)).join('\n') + '\n');
    await writeFile(join(dir, 'predictions-000002.jsonl'), [4, 5].map((i) => line(i, { p_Yes: 0.25 })).join('\n') + '\n');
    await writeFile(join(dir, 'predictions-000003.jsonl'), ''); // the newest segment, nothing written yet
    await writeFile(join(dir, 'feedback-000001.jsonl'), '{"id":"x","row":0,"label":"Yes"}\n');
    const doc = testDocument([testNode('read', 'ingest.json', { path: 'log/predictions-*.jsonl', format: 'ndjson' })], []);

    const first = await bed.engine.run(doc, { path: join(bed.home, 'pipeline.plumb') });
    expect(first.outcome.status).toBe('succeeded');
    const run = bed.engine.lineage.getRun(first.outcome.runId)!.nodeRuns[0];
    const out = run.outputs[0];
    expect(out.rows).toBe(5);
    // Columns matched by name: p_Yes exists in the second segment only.
    expect(out.columns?.map((c) => c.name)).toEqual(['tenure', 'contract', '_version', 'p_Yes']);
    const rows = await bed.db.objects('SELECT tenure, p_Yes FROM read_parquet($p) ORDER BY tenure', { p: out.path });
    expect(rows).toEqual([1, 2, 3, 4, 5].map((t) => ({ tenure: t, p_Yes: t > 3 ? 0.25 : null })));
    // Every matched file is a recorded input of the node run, the feedback log is not.
    expect(run.inputs.map((i) => i.port).sort()).toEqual(['path:predictions-000001.jsonl', 'path:predictions-000002.jsonl', 'path:predictions-000003.jsonl']);

    // Unchanged files: served from the cache.
    const again = await bed.engine.run(doc, { path: join(bed.home, 'pipeline.plumb') });
    expect(bed.engine.lineage.getRun(again.outcome.runId)!.nodeRuns[0].status).toBe('cached');

    // The log grows: the node runs again and sees the new rows.
    await writeFile(join(dir, 'predictions-000003.jsonl'), line(6) + '\n');
    const grown = await bed.engine.run(doc, { path: join(bed.home, 'pipeline.plumb') });
    const grownRun = bed.engine.lineage.getRun(grown.outcome.runId)!.nodeRuns[0];
    expect(grownRun.status).toBe('succeeded');
    expect(grownRun.outputs[0].rows).toBe(6);
  });

  it('no match fails naming the pattern and its folder; a pattern in a folder name is refused', async () => {
    const { node } = await ingest({ path: 'predictions-*.jsonl' });
    expect(node.status).toBe('failed');
    expect(node.error).toBe(`path: no file matches predictions-*.jsonl in ${FIXTURES.replace(/\/$/, '')}`);
    const folder = await ingest({ path: 'log-*/predictions.jsonl' });
    expect(folder.node.error).toBe(`file not found: ${join(FIXTURES, 'log-*/predictions.jsonl')}`);
    const inFolder = await ingest({ path: 'log-*/p-*.jsonl' });
    expect(inFolder.node.error).toMatch(/^path: .*log-\*\/p-\*\.jsonl: only the file name may hold \* or \?, not the folder$/);
  });

  it('a malformed segment is named, with its place among the matches', async () => {
    const dir = join(bed.home, 'badlog');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'predictions-000001.jsonl'), '{"a":1}\n');
    await writeFile(join(dir, 'predictions-000002.jsonl'), '{"a":2}\n{"a":\n');
    const { node } = await ingest({ path: join(dir, 'predictions-*.jsonl'), format: 'ndjson' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(/^predictions-000002\.jsonl \(file 2 of 2 matching predictions-\*\.jsonl\): Malformed JSON/);
  });
});
