import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testNode } from '../../src-main/test-nodes/test-engine.js';

/** ingest.parquet through the real engine, on the flights slice and on damaged copies of it. */
const FLIGHTS = fileURLToPath(new URL('../../test-fixtures/flights-100k.parquet', import.meta.url));

let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-ingest-parquet-');
});

afterAll(async () => {
  await bed?.dispose();
});

async function ingest(path: string) {
  const record = await bed.engine.runFresh(testDocument([testNode('read', 'ingest.parquet', { path })], []), bed.home);
  return { record, node: record.nodes.get('read')! };
}

/** Writes `bytes` under `name` in the test folder and returns its path. */
async function file(name: string, bytes: Buffer | string): Promise<string> {
  const path = join(bed.home, name);
  await writeFile(path, bytes);
  return path;
}

/** Order-independent fingerprint of a flights table: counts, sums and extremes of every column. */
async function fingerprint(path: string) {
  const [row] = await bed.db.objects(
    `SELECT count(*)::BIGINT AS n, sum(delay)::BIGINT AS delay, sum(distance)::BIGINT AS distance,
       min(date)::VARCHAR AS first, max(date)::VARCHAR AS last,
       count(DISTINCT origin)::BIGINT AS origins, count(DISTINCT destination)::BIGINT AS destinations,
       count(*) FILTER (delay IS NULL)::BIGINT AS null_delays,
       sum(hash(date, delay, distance, origin, destination))::VARCHAR AS h
     FROM read_parquet($path)`,
    { path },
  );
  return row;
}

describe('ingest.parquet', () => {
  it('reads flights-100k.parquet: 100,000 rows, the file\'s own schema, the same values', async () => {
    const { node, record } = await ingest(FLIGHTS);
    expect(node.error).toBeUndefined();
    expect(record.status).toBe('succeeded');
    const out = node.outputs.out;
    expect(out.rows).toBe(100_000);
    expect(out.columns).toEqual([
      { name: 'date', type: 'TIMESTAMP' },
      { name: 'delay', type: 'BIGINT' },
      { name: 'distance', type: 'BIGINT' },
      { name: 'origin', type: 'VARCHAR' },
      { name: 'destination', type: 'VARCHAR' },
    ]);
    const stored = await fingerprint(out.path);
    expect(stored).toEqual(await fingerprint(FLIGHTS));
    expect(stored.n).toBe(100_000);
    // An ingest starts a fresh table: no preprocessing chain.
    expect(out.meta).toBeUndefined();
  });

  it('a file cut short (no footer) fails saying it is not a readable Parquet file', async () => {
    const whole = await readFile(FLIGHTS);
    const path = await file('cut.parquet', whole.subarray(0, Math.floor(whole.length / 2)));
    const { node, record } = await ingest(path);
    expect(record.status).toBe('failed');
    expect(node.error).toBe('cut.parquet is not a readable Parquet file: No magic bytes found at end of file');
  });

  it('a text file named .parquet fails the same way', async () => {
    const path = await file('text.parquet', 'date,delay\n2001-01-01,5\n');
    const { node } = await ingest(path);
    expect(node.error).toMatch(/^text\.parquet is not a readable Parquet file: /);
  });

  it('damaged data pages behind an intact footer fail naming the file', async () => {
    const bytes = Buffer.from(await readFile(FLIGHTS));
    const from = Math.floor(bytes.length / 3);
    for (let i = from; i < from + 2000; i++) bytes[i] = (bytes[i] * 7 + 13) & 0xff;
    const path = await file('damaged.parquet', bytes);
    const { node } = await ingest(path);
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(/^damaged\.parquet: reading its data failed, the file may be damaged: \S/);
  });

  it('an empty file fails: "<file> is empty"; a missing one names its path', async () => {
    expect((await ingest(await file('empty.parquet', ''))).node.error).toBe('empty.parquet is empty');
    expect((await ingest('missing.parquet')).node.error).toBe(`file not found: ${join(bed.home, 'missing.parquet')}`);
  });
});
