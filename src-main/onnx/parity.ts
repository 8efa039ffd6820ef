/**
 * The parity check between an exported graph and the app: the same raw rows through the app's
 * serving path (applyChain, then the estimator's predictProba/predict) and through onnxruntime.
 * Used by the tests here and meant for the deploy.onnx node's check. Rows the app refuses (it
 * throws on them) must come out of the graph refused too: NaN and an empty label.
 */
import * as ort from 'onnxruntime-node';
import type { ChainInput } from '../../src-shared/transforms/chain-inputs.js';
import { applyChain } from '../../src-shared/transforms/chain.js';
import type { Matrix } from '../ml/estimator.js';
import { predictorFor } from '../ml/estimator-registry.js';
import type { ModelArtifact } from '../ml/model-artifact.js';

type Row = Readonly<Record<string, unknown>>;

export interface Predictions {
  /** Per row: the class label (classification), or undefined. '' for a refused row. */
  readonly labels?: readonly string[];
  /** Per row: class probabilities (classification) or [value] (regression); NaN for a refused row. */
  readonly scores: readonly (readonly number[])[];
  /** Per row: the estimator's features (app: after the chain; graph: when exported with featuresOutput). */
  readonly features?: readonly (readonly number[])[];
}

/** The app's predictions: the chain replayed row by row, then the estimator. A row it refuses gets NaN / ''. */
export function appPredictions(model: ModelArtifact, rows: readonly Row[]): Predictions {
  const prepared = rows.map((row): number[] | undefined => {
    try {
      const out = applyChain(model.chain, row);
      const values = model.features.map((f) => {
        const v = out[f.name];
        return v === null || v === undefined ? NaN : Number(v);
      });
      return values.some(Number.isNaN) ? undefined : values;
    } catch {
      return undefined;
    }
  });
  const ok = prepared.flatMap((p, i) => (p ? [i] : []));
  const X: Matrix = {
    rows: ok.length,
    names: model.features.map((f) => f.name),
    columns: model.features.map((_, j) => Float64Array.from(ok, (i) => prepared[i]![j])),
  };
  const estimator = predictorFor(model.estimator.kind);
  const classes = model.target.classes ?? [];
  const at = new Map(ok.map((i, r) => [i, r]));
  const features = prepared.map((p) => p ?? model.features.map(() => NaN));
  if (model.estimator.task === 'classification') {
    const proba = ok.length > 0 && estimator.predictProba ? estimator.predictProba(model.estimator.state, X) : [];
    const codes = ok.length > 0 ? estimator.predict(model.estimator.state, X) : new Float64Array(0);
    return {
      labels: rows.map((_, i) => (at.has(i) ? classes[codes[at.get(i)!]] : '')),
      scores: rows.map((_, i) => (at.has(i) ? proba.map((p) => p[at.get(i)!]) : classes.map(() => NaN))),
      features,
    };
  }
  const values = ok.length > 0 ? estimator.predict(model.estimator.state, X) : new Float64Array(0);
  return { scores: rows.map((_, i) => [at.has(i) ? values[at.get(i)!] : NaN]), features };
}

/**
 * The graph's feeds for raw rows: one [N, 1] tensor per input; a missing value is NaN (numbers,
 * booleans as 1/0) or '' (text).
 */
export function onnxFeeds(inputs: readonly ChainInput[], rows: readonly Row[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const values = rows.map((r) => r[input.name]);
    if (input.type === 'text') {
      feeds[input.name] = new ort.Tensor('string', values.map((v) => (v === null || v === undefined ? '' : String(v))), [rows.length, 1]);
    } else {
      const numbers = Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : typeof v === 'boolean' ? Number(v) : Number(v)));
      feeds[input.name] = new ort.Tensor('float64', numbers, [rows.length, 1]);
    }
  }
  return feeds;
}

/** The graph's predictions on raw rows, through onnxruntime. */
export async function onnxPredictions(bytes: Uint8Array, inputs: readonly ChainInput[], rows: readonly Row[]): Promise<Predictions> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(onnxFeeds(inputs, rows));
    const byRow = (t: ort.Tensor | undefined): number[][] | undefined => {
      if (!t) return undefined;
      const width = Number(t.dims[1] ?? 1);
      const data = t.data as Float32Array | Float64Array;
      return rows.map((_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
    };
    const scores = byRow(out.probabilities ?? out.variable)!;
    const features = byRow(out.features);
    return { ...(out.label ? { labels: Array.from(out.label.data as string[]) } : {}), scores, ...(features ? { features } : {}) };
  } finally {
    await session.release();
  }
}

export interface ParityReport {
  readonly rows: number;
  /** Rows whose labels differ (classification). */
  readonly labelMismatches: number;
  /** The largest |graph - app| / |app| over the scores, values at or below `floor` compared absolutely. */
  readonly maxRelativeError: number;
  /** Rows where one side refused the row and the other did not. */
  readonly refusalMismatches: number;
  /** The first differing rows, for a message. */
  readonly examples: readonly string[];
}

/**
 * Compares graph and app predictions row by row. Scores are compared relatively; below `floor`
 * (default 1e-30, where float32 runs out of relative precision) absolutely against the floor.
 */
export function compareParity(app: Predictions, graph: Predictions, floor = 1e-30): ParityReport {
  let labelMismatches = 0;
  let refusalMismatches = 0;
  let maxRelativeError = 0;
  const examples: string[] = [];
  app.scores.forEach((expected, i) => {
    const got = graph.scores[i];
    const appRefused = expected.some(Number.isNaN);
    const graphRefused = got.some(Number.isNaN);
    if (appRefused !== graphRefused) {
      refusalMismatches++;
      if (examples.length < 5) examples.push(`row ${i}: app ${JSON.stringify(expected)}, graph ${JSON.stringify(got)}`);
      return;
    }
    if (app.labels && graph.labels && app.labels[i] !== graph.labels[i]) {
      labelMismatches++;
      if (examples.length < 5) examples.push(`row ${i}: label app ${app.labels[i]}, graph ${graph.labels[i]} (${JSON.stringify(expected)} vs ${JSON.stringify(got)})`);
    }
    if (appRefused) return;
    expected.forEach((e, k) => {
      const err = Math.abs(got[k] - e) / Math.max(Math.abs(e), floor);
      if (!(err <= maxRelativeError)) maxRelativeError = err;
    });
  });
  return { rows: app.scores.length, labelMismatches, maxRelativeError, refusalMismatches, examples };
}
