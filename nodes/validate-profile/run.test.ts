import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../../src-main/data/duckdb.js';
import { openTestEngine, type FreshRun, type TestEngine } from '../../src-main/test-nodes/test-engine.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { ColumnProfile, ProfileReport } from './spec.js';

/**
 * validate.profile through the real engine (worker pool, DuckDB, artifact and lineage stores in
 * a fresh temp home), on the shipped sample and on hand-made CSVs.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PENGUINS = join(ROOT, 'samples', 'penguins.csv');
const EXAMPLE = join(ROOT, 'examples', 'penguins-profile.plumb');

let home: string;
let data: string;
let engine: TestEngine;
let duck: DuckDatabase;
let reader: DuckSession;

beforeAll(async () => {
  duck = await DuckDatabase.open();
  reader = await duck.session();
  home = await mkdtemp(join(tmpdir(), 'plumb-profile-'));
  data = join(home, 'data');
  await mkdir(data);
  engine = await openTestEngine({ home: join(home, 'state') });
});

afterAll(async () => {
  reader?.close();
  duck?.dispose();
  await engine?.dispose();
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

async function run(document: PipelineDocument, baseDir = data): Promise<{ record: FreshRun }> {
  return { record: await engine.runFresh(document, baseDir) };
}

async function reportOf(record: FreshRun, id: string): Promise<ProfileReport> {
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

describe('validate.profile on samples/penguins.csv', () => {
  let report: ProfileReport;

  beforeAll(async () => {
    // The shipped example, as the user opens it: relative paths resolve against its folder.
    const loaded = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const { record } = await run(loaded.document, join(ROOT, 'examples'));
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
