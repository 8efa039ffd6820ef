import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type FittedStep, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import type { FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { applyEncode, type EncodeState } from '../../src-shared/transforms/encode.js';
import { featureEncodeSpec } from './spec.js';

/** feature.encode through the real engine (ingest.csv -> feature.encode) on the shipped samples. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PENGUINS = join(ROOT, 'samples', 'penguins.csv');
const TELCO = join(ROOT, 'samples', 'telco_churn.csv');
const TITANIC = join(ROOT, 'samples', 'titanic.csv');

let bed: NodeTestBed;
let data: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-encode-');
  ({ data } = bed);
});

afterAll(async () => {
  await bed?.dispose();
});

const run = (csv: string, params: Record<string, unknown>): Promise<FreshRun> => bed.runAfterCsv(csv, 'feature.encode', params, 'enc');

interface Fitted extends FittedStep {
  readonly state: EncodeState;
}

async function encode(csv: string, params: Record<string, unknown>): Promise<Fitted> {
  const fitted = await bed.fitAfterCsv(csv, 'feature.encode', params, 'enc');
  return { ...fitted, state: fitted.step.state as unknown as EncodeState };
}

async function encodeFails(csv: string, params: Record<string, unknown>): Promise<string> {
  const record = await run(csv, params);
  expect(record.nodes.get('enc')?.status).toBe('failed');
  return record.nodes.get('enc')?.error ?? '';
}

/** Replaying the step on each input row gives exactly the node's output row. */
function expectReplayMatches(f: Fitted): void {
  expect(f.outRows.length).toBe(f.inRows.length);
  const bad: string[] = [];
  f.inRows.forEach((row, i) => {
    const replayed = applyEncode(f.state, f.step.params, row);
    if (JSON.stringify(replayed) !== JSON.stringify(f.outRows[i])) bad.push(`row ${i}: ${JSON.stringify(replayed)} vs ${JSON.stringify(f.outRows[i])}`);
  });
  expect(bad.slice(0, 3)).toEqual([]);
}

async function writeCsv(name: string, text: string): Promise<string> {
  const path = join(data, name);
  await writeFile(path, text);
  return path;
}

describe('feature.encode onehot on penguins', () => {
  let f: Fitted;
  beforeAll(async () => {
    f = await encode(PENGUINS, {});
  });

  it('encodes every text column by default, categories sorted, a missing value as its own last category', () => {
    expect(f.state.columns.map((c) => [c.name, c.categories])).toEqual([
      ['species', ['Adelie', 'Chinstrap', 'Gentoo']],
      ['island', ['Biscoe', 'Dream', 'Torgersen']],
      ['sex', ['female', 'male', null]],
    ]);
    expect(f.output.columns!.map((c) => `${c.name}:${c.type}`)).toEqual([
      'species_Adelie:INTEGER',
      'species_Chinstrap:INTEGER',
      'species_Gentoo:INTEGER',
      'island_Biscoe:INTEGER',
      'island_Dream:INTEGER',
      'island_Torgersen:INTEGER',
      'bill_length_mm:DOUBLE',
      'bill_depth_mm:DOUBLE',
      'flipper_length_mm:BIGINT',
      'body_mass_g:BIGINT',
      'sex_female:INTEGER',
      'sex_male:INTEGER',
      'sex_missing:INTEGER',
      'year:BIGINT',
    ]);
  });

  it('sets exactly one 1 per encoded column per row, matching the value', () => {
    const bad = f.outRows.flatMap((row, i) => {
      const raw = f.inRows[i];
      const sum = (prefix: string) => Object.entries(row).filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + (v as number), 0);
      const ok =
        sum('species_') === 1 &&
        sum('island_') === 1 &&
        sum('sex_') === 1 &&
        row[`species_${raw.species as string}`] === 1 &&
        row[raw.sex === null ? 'sex_missing' : `sex_${raw.sex as string}`] === 1;
      return ok ? [] : [i];
    });
    expect(bad).toEqual([]);
    expect(f.outRows.filter((r) => r.sex_missing === 1)).toHaveLength(11);
    expect(f.outRows.filter((r) => r.species_Gentoo === 1)).toHaveLength(124);
  });

  it('replays on raw rows exactly as the SQL did, and handles unknown categories per handle_unknown', () => {
    expectReplayMatches(f);
    const raw = { ...f.inRows[0], species: 'Emperor' };
    expect(() => applyEncode(f.state, f.step.params, raw)).toThrow('column "species": the category "Emperor" was not seen when the encoder was fitted');
    const ignoring = { ...f.state, handle_unknown: 'ignore' as const };
    const out = applyEncode(ignoring, f.step.params, raw);
    expect([out.species_Adelie, out.species_Chinstrap, out.species_Gentoo]).toEqual([0, 0, 0]);
  });

  it('records handle_unknown and the categories in the chain step', () => {
    expect(f.step).toMatchObject({ type: 'feature.encode', version: 1, node: 'enc', params: { method: 'onehot', handle_unknown: 'error' } });
    expect(f.state.handle_unknown).toBe('error');
    expect(f.state.columns[2].outputs).toEqual(['sex_female', 'sex_male', 'sex_missing']);
  });
});

describe('feature.encode ordinal', () => {
  it('maps categories to 0..k-1 in sorted order, a missing value stays missing, schema known before running', async () => {
    const f = await encode(PENGUINS, { method: 'ordinal', columns: ['species', 'sex'], drop_original: false });
    expect(f.state.columns.map((c) => [c.name, c.categories, c.outputs])).toEqual([
      ['species', ['Adelie', 'Chinstrap', 'Gentoo'], ['species_ordinal']],
      ['sex', ['female', 'male'], ['sex_ordinal']],
    ]);
    const codes = new Map([
      ['Adelie', 0],
      ['Chinstrap', 1],
      ['Gentoo', 2],
    ]);
    expect(f.outRows.every((r) => r.species_ordinal === codes.get(r.species as string))).toBe(true);
    expect(f.outRows.every((r) => r.sex_ordinal === (r.sex === null ? null : r.sex === 'female' ? 0 : 1))).toBe(true);
    const inferred = featureEncodeSpec.inferSchema!({ in: { kind: 'table', columns: f.input.columns! } }, f.step.params);
    expect(inferred.problems).toEqual([]);
    expect(inferred.outputs.out).toEqual({ kind: 'table', columns: f.output.columns });
    expectReplayMatches(f);
    // Unknown at replay: an error naming the column, or -1 with ignore.
    expect(() => applyEncode(f.state, {}, { species: 'Emperor', sex: 'male' })).toThrow(/column "species"/);
    expect(applyEncode({ ...f.state, handle_unknown: 'ignore' }, {}, { species: 'Emperor', sex: null })).toEqual({
      species: 'Emperor',
      species_ordinal: -1,
      sex: null,
      sex_ordinal: null,
    });
  });

  it('encodes numbers by value and booleans false before true', async () => {
    const f = await encode(TELCO, { method: 'ordinal', columns: ['churn', 'tenure'] });
    expect(f.state.columns[0]).toMatchObject({ name: 'churn', kind: 'boolean', categories: [false, true] });
    const tenure = f.state.columns[1];
    expect(tenure.kind).toBe('number');
    expect(tenure.categories).toEqual([...tenure.categories].sort((a, b) => (a as number) - (b as number)));
    expect(f.outRows.slice(0, 3).map((r) => r.tenure)).toEqual(f.inRows.slice(0, 3).map((r) => tenure.categories.indexOf(r.tenure as number)));
    expectReplayMatches(f);
  });
});

describe('feature.encode max_categories (scikit-learn infrequent categories)', () => {
  it('keeps the max_categories - 1 most frequent, the rest in <col>_infrequent, last', async () => {
    const f = await encode(TELCO, { columns: ['payment_method'], max_categories: 3 });
    // Counts: Electronic check 2365, Mailed check 1612, Bank transfer 1544, Credit card 1522.
    const c = f.state.columns[0];
    expect(c.categories).toEqual(['Electronic check', 'Mailed check']);
    expect(c.infrequent).toEqual(['Bank transfer (automatic)', 'Credit card (automatic)']);
    expect(c.outputs).toEqual(['payment_method_Electronic_check', 'payment_method_Mailed_check', 'payment_method_infrequent']);
    expect(f.outRows.filter((r) => r.payment_method_infrequent === 1)).toHaveLength(1544 + 1522);
    expectReplayMatches(f);
    // A known infrequent category maps to the infrequent column at replay; an unknown one does not.
    expect(applyEncode(f.state, {}, { payment_method: 'Credit card (automatic)' })).toEqual({
      payment_method_Electronic_check: 0,
      payment_method_Mailed_check: 0,
      payment_method_infrequent: 1,
    });
    expect(() => applyEncode(f.state, {}, { payment_method: 'Bitcoin' })).toThrow(/"Bitcoin"/);
  });

  it('breaks ties in count like scikit-learn\'s stable sort: the later categories stay', async () => {
    const csv = await writeCsv('ties.csv', 'c\na\nb\nc\nd\na\nb\nc\n');
    const f = await encode(csv, { max_categories: 3 });
    expect(f.state.columns[0].categories).toEqual(['b', 'c']);
    expect(f.state.columns[0].infrequent).toEqual(['a', 'd']);
    expect(f.outRows.map((r) => [r.c_b, r.c_c, r.c_infrequent])).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expectReplayMatches(f);
  });
});

describe('feature.encode names and refusals', () => {
  it('makes category names safe and unique, numbers readable', async () => {
    const csv = await writeCsv('names.csv', 'x,k,k_1\na b,-1,0\na-b,1,0\nÉté!,2.5,0\n');
    const f = await encode(csv, { columns: ['x', 'k'] });
    expect(f.output.columns!.map((c) => c.name)).toEqual(['x_a_b', 'x_a_b_2', 'x_Été', 'k_minus1', 'k_1_2', 'k_2_5', 'k_1']);
    expect(f.state.columns[1].categories).toEqual([-1, 1, 2.5]);
    expectReplayMatches(f);
  });

  it('refuses a column with too many categories for onehot, suggesting max_categories', async () => {
    const error = await encodeFails(TITANIC, { columns: ['name'] });
    expect(error).toContain('columns: column "name" has 1307 categories');
    expect(error).toContain('max_categories');
    const limited = await encode(TITANIC, { columns: ['name'], max_categories: 10 });
    expect(limited.output.columns!.filter((c) => c.name.startsWith('name_'))).toHaveLength(10);
  });

  it('reports a column that is not in the input before running', () => {
    const result = featureEncodeSpec.inferSchema!({ in: { kind: 'table', columns: [{ name: 'a', type: 'VARCHAR' }] } }, { columns: ['b'] });
    expect(result.problems).toEqual([{ param: 'columns', message: 'column "b" is not in the input' }]);
    // onehot columns depend on the data: unknown until the node runs.
    expect(result.outputs.out).toBeUndefined();
  });
});
