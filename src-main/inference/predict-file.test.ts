import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase } from '../data/duckdb.js';
import { InferenceError } from './errors.js';
import { Playground } from './playground.js';
import { predictFile } from './predict-file.js';
import { addModel, linearClassifierModel, linearRegressionModel } from './test-models.test-helpers.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
const DIABETES = join(SAMPLES, 'diabetes.csv');
const PENGUINS = join(SAMPLES, 'penguins.csv');
const FEATURES = ['age', 'bmi', 'bp', 's5'];
const COEF = [0.25, 9.5, 1.1, 40];
const INTERCEPT = -250;

let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inference-predict-file-'));
  await writeFile(file('diabetes.onnx'), linearRegressionModel(FEATURES, COEF, INTERCEPT, 'progression'));
  await writeFile(
    file('penguins.onnx'),
    linearClassifierModel({
      numeric: ['bill_length_mm', 'flipper_length_mm'],
      text: { name: 'island', categories: ['Biscoe', 'Dream', 'Torgersen'] },
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      coefficients: [
        [-0.5, 0.1, 0, 0, 1],
        [0.4, -0.05, 0, 1, 0],
        [0.1, 0.2, 1, 0, 0],
      ],
      intercepts: [10, -8, -40],
    }),
  );
  await writeFile(file('add.onnx'), addModel());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The CSV as DuckDB reads it, to compare with what we wrote. */
async function readCsv(path: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDatabase.open({ threads: 1 });
  const s = await db.session();
  try {
    return await s.objects('SELECT * FROM read_csv($p, header = true, all_varchar = true)', { p: path });
  } finally {
    s.close();
    db.dispose();
  }
}

describe('predictFile', () => {
  it('predicts every row of a real CSV in chunks, keeping the input columns, with progress', async () => {
    const progress: number[] = [];
    const res = await predictFile({
      model: file('diabetes.onnx'),
      input: DIABETES,
      out: file('diabetes-pred.csv'),
      chunkRows: 100,
      onProgress: ({ rows, totalRows }) => {
        expect(totalRows).toBe(442);
        progress.push(rows);
      },
    });
    expect(res).toEqual({ rows: 442, out: file('diabetes-pred.csv'), predictionColumns: ['predicted_progression'] });
    expect(progress).toEqual([100, 200, 300, 400, 442]);
    const input = await readCsv(DIABETES);
    const output = await readCsv(file('diabetes-pred.csv'));
    expect(output).toHaveLength(442);
    output.forEach((row, i) => {
      const { predicted_progression: pred, ...rest } = row;
      expect(rest).toEqual(input[i]); // the input's values as written
      const want = INTERCEPT + FEATURES.reduce((s, f, j) => s + COEF[j] * Number(input[i][f]), 0);
      expect(Number(pred)).toBeCloseTo(want, 2); // float32 inside the model
    });
    // Nothing left behind but the output.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes label and per-class probabilities for a classifier, with text columns quoted as needed', async () => {
    // penguins.csv line 5 has no measurements; this model does not impute, so that row is refused...
    const err = await predictFile({ model: file('penguins.onnx'), input: PENGUINS, out: file('penguins-pred.csv') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toBe('penguins.csv line 5: "bill_length_mm" is missing and the model does not impute it');
    // ...and with those rows left out, every row gets a label that is the most probable class.
    const text = await readFile(PENGUINS, 'utf8');
    const complete = text.split('\n').filter((l) => !/,,/.test(l)).join('\n');
    await writeFile(file('penguins-complete.csv'), complete);
    const res = await predictFile({ model: file('penguins.onnx'), input: file('penguins-complete.csv'), out: file('penguins-pred.csv') });
    expect(res.predictionColumns).toEqual(['predicted_species', 'p_Adelie', 'p_Chinstrap', 'p_Gentoo']);
    const rows = await readCsv(file('penguins-pred.csv'));
    expect(rows).toHaveLength(res.rows);
    expect(res.rows).toBeGreaterThan(330);
    for (const r of rows) {
      const p = { Adelie: Number(r.p_Adelie), Chinstrap: Number(r.p_Chinstrap), Gentoo: Number(r.p_Gentoo) };
      expect(p.Adelie + p.Chinstrap + p.Gentoo).toBeCloseTo(1, 5);
      const best = Object.entries(p).sort((a, b) => b[1] - a[1])[0][0];
      expect(r.predicted_species).toBe(best);
    }
    expect(rows[0]).toMatchObject({ species: 'Adelie', island: 'Torgersen', bill_length_mm: '39.1' });
  });

  it('reports a bad value with its line, and a malformed row with DuckDB\'s line', async () => {
    const lines = (await readFile(DIABETES, 'utf8')).split('\n');
    lines[7] = lines[7].replace(/^[^,]+/, 'fifty');
    await writeFile(file('bad-value.csv'), lines.join('\n'));
    await expect(predictFile({ model: file('diabetes.onnx'), input: file('bad-value.csv'), out: file('o.csv') })).rejects.toThrow(
      'bad-value.csv line 8: "age" is "fifty", not a number',
    );
    const broken = (await readFile(DIABETES, 'utf8')).split('\n');
    broken[10] = `${broken[10]},1,2,3`;
    await writeFile(file('malformed.csv'), broken.join('\n'));
    await expect(predictFile({ model: file('diabetes.onnx'), input: file('malformed.csv'), out: file('o.csv') })).rejects.toThrow(
      /malformed\.csv: 1 malformed row\(s\) \(line 11: /,
    );
    expect((await readdir(dir)).filter((f) => f === 'o.csv' || f.endsWith('.tmp'))).toEqual([]);
  });

  it('names missing columns, refuses to overwrite its input, and refuses models with matrix inputs', async () => {
    await expect(predictFile({ model: file('diabetes.onnx'), input: PENGUINS, out: file('o.csv') })).rejects.toThrow(
      'penguins.csv has no column "age", "bmi", "bp", "s5" (the model needs age, bmi, bp, s5)',
    );
    await writeFile(file('copy.csv'), await readFile(DIABETES));
    await expect(predictFile({ model: file('diabetes.onnx'), input: file('copy.csv'), out: file('copy.csv') })).rejects.toThrow(/would overwrite the input/);
    await expect(predictFile({ model: file('add.onnx'), input: DIABETES, out: file('o.csv') })).rejects.toThrow(
      /input "A" is not one value per row \(shape \["N",3\]\)/,
    );
  });

  it('stops when aborted and leaves no output behind', async () => {
    const abort = new AbortController();
    const run = predictFile({
      model: file('diabetes.onnx'),
      input: DIABETES,
      out: file('aborted.csv'),
      chunkRows: 50,
      signal: abort.signal,
      onProgress: ({ rows }) => rows >= 100 && abort.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'aborted', message: 'prediction of diabetes.csv was cancelled after 100 rows' });
    expect((await readdir(dir)).filter((f) => f.startsWith('aborted') || f.includes('aborted.csv'))).toEqual([]);
  });

  it('runs through playground.batch with progress events', async () => {
    const playground = new Playground();
    const events: { rows: number; done: boolean }[] = [];
    playground.onEvent((e) => events.push({ rows: e.rows, done: e.done }));
    try {
      const res = await playground.batch({ path: file('diabetes.onnx') }, { input: DIABETES, out: file('batch.csv'), job: 'j1', chunkRows: 200 });
      expect(res).toMatchObject({ job: 'j1', rows: 442, out: file('batch.csv') });
      expect(events).toEqual([
        { rows: 200, done: false },
        { rows: 400, done: false },
        { rows: 442, done: false },
        { rows: 442, done: true },
      ]);
    } finally {
      await playground.dispose();
    }
  });
});
