import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import { exportModelToOnnx } from '../onnx/export-model.js';
import { appPredictions } from '../onnx/parity.js';
import { ROOT, trainThroughEngine } from '../onnx/testing.js';
import { openTestEngine, type TestEngine } from '../test-nodes/test-engine.js';
import { Playground } from './playground.js';
import { predictFile } from './predict-file.js';

/**
 * A model exported by Plumb's own exporter (impute + one-hot + scale + logistic regression on
 * penguins, which has missing values) predicted from the raw CSV by batch prediction and from
 * form rows by the playground: the same labels as the app's own predictions, probabilities
 * within float32 rounding.
 */
const PENGUINS = join(ROOT, 'samples/penguins.csv');
let dir: string;
let t: TestEngine;
let duck: DuckDatabase;
let db: DuckSession;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inference-plumb-model-'));
  t = await openTestEngine({ home: join(dir, 'state') });
  duck = await DuckDatabase.open({ threads: 1 });
  db = await duck.session();
});
afterAll(async () => {
  db?.close();
  duck?.dispose();
  await t?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('a model from Plumb\'s exporter', () => {
  it('predicts the raw CSV and form rows as the app does', { timeout: 90_000 }, async () => {
    const { model } = await trainThroughEngine(t, db, {
      id: 'inference-penguins',
      csv: PENGUINS,
      split: { method: 'stratified', stratify: 'species', seed: 0 },
      steps: [
        { type: 'feature.impute', params: { columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'], strategy: 'median' } },
        { type: 'feature.impute', params: { columns: ['sex'], strategy: 'most_frequent' } },
        { type: 'feature.encode', params: { columns: ['island', 'sex'], method: 'onehot' } },
        { type: 'feature.scale', params: { columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'], method: 'standard' } },
      ],
      trainer: 'train.logistic_regression',
      params: { target: 'species', features: [] },
    });
    const onnx = join(dir, 'penguins.onnx');
    await writeFile(onnx, exportModelToOnnx(model).bytes);
    const rows = await db.objects("SELECT * FROM read_csv($p, nullstr = ['', 'NA'])", { p: PENGUINS });
    const app = appPredictions(model, rows);
    const classes = model.target.classes ?? [];

    const out = join(dir, 'pred.csv');
    const res = await predictFile({ model: onnx, input: PENGUINS, out });
    expect(res.rows).toBe(344);
    expect(res.predictionColumns).toEqual(['predicted_species', ...classes.map((c) => `p_${c}`)]);
    const written = await db.objects('SELECT * FROM read_csv($p, all_varchar = true)', { p: out });
    written.forEach((r, i) => {
      expect(r.predicted_species ?? '', `line ${i + 2}`).toBe(app.labels?.[i]);
      classes.forEach((c, k) => expect(Number(r[`p_${c}`])).toBeCloseTo(app.scores[i][k], 5));
    });

    const playground = new Playground();
    try {
      // The form sends the model's columns only, values as the CSV has them (null = missing).
      const { signature } = await playground.inspect({ path: onnx });
      const columns = signature.plumb?.inputs.map((c) => c.name) ?? [];
      expect(columns).not.toContain('species');
      const form = rows.slice(0, 5).map((r) => Object.fromEntries(columns.map((c) => [c, r[c] as string | number | null])));
      const res2 = await playground.predict({ path: onnx }, { rows: form });
      expect(res2.predictions?.map((p) => ('label' in p ? p.label : null))).toEqual(app.labels?.slice(0, 5));
    } finally {
      await playground.dispose();
    }
  });
});
