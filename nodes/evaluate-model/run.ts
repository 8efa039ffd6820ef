import { readFile, writeFile } from 'node:fs/promises';
import { quoteOwnPath } from '../../src-main/data/duckdb.js';
import { parquetShape } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { seededRandom, type Estimator, type Matrix, type Task } from '../../src-main/ml/estimator.js';
import { predictorFor } from '../../src-main/ml/estimator-registry.js';
import {
  accuracy,
  calibrationCurve,
  confusionMatrix,
  logLoss,
  mae,
  precisionRecallCurve,
  precisionRecallF1,
  r2,
  rmse,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from '../../src-main/ml/metrics/index.js';
import { parseModelArtifact } from '../../src-main/ml/model-artifact.js';
import { applyChain, unreplayableSteps } from '../../src-shared/transforms/chain.js';

/** Above this many rows, scoring row by row in JS is too slow to be the right tool. */
const MAX_ROWS = 1_000_000;

export const runEvaluateModel: NodeRunFn = async (ctx, inputs, params) => {
  const model = parseModelArtifact(await readFile(inputs.model.path, 'utf8'), 'the model');
  const blocked = unreplayableSteps(model.chain);
  if (blocked.length > 0) {
    throw new NodeError(`the model's preprocessing has steps that cannot be replayed on new rows yet: ${blocked.map((s) => `${s.type} (node ${s.node})`).join(', ')}`);
  }
  const data = inputs.data;
  if ((data.rows ?? 0) > MAX_ROWS) throw new NodeError(`data has ${data.rows} rows; evaluation takes at most ${MAX_ROWS}: sample it first`);
  ctx.progress(0.05, 'reading rows');
  const raw = await ctx.db.objects('SELECT * FROM read_parquet($p)', { p: data.path });
  if (raw.length === 0) throw new NodeError('data has no rows to score');
  const target = model.target.name;
  if (!(target in raw[0])) throw new NodeError(`data has no column "${target}" (the model's target)`);

  // Serving's path: the stored chain on each raw row, then the estimator on its features.
  ctx.progress(0.2, `replaying ${model.chain.length} preprocessing steps`);
  const prepared = raw.map((row) => applyChain(model.chain, row));
  const missing = model.features.filter((f) => !(f.name in prepared[0]));
  if (missing.length > 0) throw new NodeError(`data lacks the model's features ${missing.map((f) => `"${f.name}"`).join(', ')} (after its preprocessing)`);
  const X: Matrix = {
    rows: prepared.length,
    names: model.features.map((f) => f.name),
    columns: model.features.map((f) =>
      Float64Array.from(prepared, (row, i) => {
        const v = row[f.name];
        const n = typeof v === 'boolean' ? Number(v) : Number(v);
        if (v === null || v === undefined || Number.isNaN(n)) throw new NodeError(`row ${i + 1}: feature "${f.name}" is missing or not a number (${JSON.stringify(v)})`);
        return n;
      }),
    ),
  };
  const estimator = predictorFor(model.estimator.kind);
  ctx.progress(0.5, 'predicting');
  const report: Record<string, unknown> = { kind: 'evaluation', task: model.estimator.task, rows: X.rows, estimator: model.estimator.kind, target };
  const predictionColumns: Record<string, unknown[]> = {};

  if (model.estimator.task === 'classification') {
    const classes = model.target.classes ?? [];
    const code = new Map(classes.map((c, i) => [c, i]));
    const yTrue = Float64Array.from(raw, (r, i) => {
      const c = code.get(String(r[target]));
      if (c === undefined) throw new NodeError(`row ${i + 1}: class "${String(r[target])}" was not seen in training (${classes.join(', ')})`);
      return c;
    });
    const proba = estimator.predictProba ? estimator.predictProba(model.estimator.state, X) : undefined;
    const yPred = estimator.predict(model.estimator.state, X);
    const prf = precisionRecallF1(yTrue, yPred, classes.length);
    const metrics: Record<string, number> = {
      accuracy: accuracy(yTrue, yPred),
      f1_macro: prf.macro.f1,
      f1_weighted: prf.weighted.f1,
      precision_macro: prf.macro.precision,
      recall_macro: prf.macro.recall,
    };
    Object.assign(report, { classes, confusion_matrix: confusionMatrix(yTrue, yPred, classes.length), per_class: prf });
    if (proba) {
      metrics.log_loss = logLoss(yTrue, proba);
      if (classes.length === 2) {
        const positive = params.positive ? code.get(String(params.positive)) : 1;
        if (positive === undefined) throw new NodeError(`positive: "${String(params.positive)}" is not a class (${classes.join(', ')})`);
        const truth = Float64Array.from(yTrue, (c) => (c === positive ? 1 : 0));
        const score = proba[positive];
        metrics.roc_auc = rocAuc(truth, score);
        Object.assign(report, { positive: classes[positive], roc_curve: rocCurve(truth, score), pr_curve: precisionRecallCurve(truth, score), calibration: calibrationCurve(truth, score) });
      } else {
        metrics.roc_auc_ovr = rocAucOvr(yTrue, proba);
      }
      classes.forEach((c, k) => (predictionColumns[`proba_${c}`] = Array.from(proba[k])));
    }
    report.metrics = metrics;
    predictionColumns.prediction = Array.from(yPred, (c) => classes[c]);
  } else {
    const yTrue = Float64Array.from(raw, (r) => Number(r[target]));
    const yPred = estimator.predict(model.estimator.state, X);
    report.metrics = { rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred) };
    predictionColumns.prediction = Array.from(yPred);
    predictionColumns.residual = Array.from(yTrue, (y, i) => y - yPred[i]);
  }
  for (const [name, value] of Object.entries(report.metrics as Record<string, number>)) ctx.metric(name, value);

  if (params.permutation_importance !== false) {
    ctx.progress(0.65, 'permutation importance');
    report.permutation_importance = permutationImportance(model.estimator.task, estimator, model.estimator.state, X, raw, target, model.target.classes ?? [], {
      repeats: Number(params.n_repeats ?? 5),
      seed: Number(params.random_state ?? 0),
    });
  }

  // Predictions: the input rows as they came, plus the prediction columns, written by DuckDB.
  ctx.progress(0.8, 'writing predictions');
  const ndjson = ctx.tempPath('.ndjson');
  await writeFile(ndjson, raw.map((row, i) => JSON.stringify(Object.fromEntries(Object.entries(predictionColumns).map(([k, v]) => [k, v[i]])))).join('\n') + '\n');
  const out = ctx.tempPath('.parquet');
  await ctx.db.run(
    `COPY (SELECT d.*, p.* EXCLUDE (_row) FROM (SELECT *, row_number() OVER () AS _row FROM read_parquet($d)) d
           JOIN (SELECT *, row_number() OVER () AS _row FROM read_json($p, format = 'newline_delimited')) p USING (_row)
           ORDER BY _row) TO ${quoteOwnPath(out)} (FORMAT parquet)`,
    { d: data.path, p: ndjson },
  );
  ctx.progress(1);
  return {
    report: { kind: 'report', data: report },
    predictions: { kind: 'table', file: out, ...(await parquetShape(ctx, out)) },
  };
};

/**
 * scikit-learn's permutation_importance: the score drop when one feature's column is shuffled
 * (seeded), repeated, per feature; accuracy for classification, R2 for regression.
 */
function permutationImportance(
  task: Task,
  estimator: Estimator,
  state: unknown,
  X: Matrix,
  raw: readonly Record<string, unknown>[],
  target: string,
  classes: readonly string[],
  opts: { repeats: number; seed: number },
): { feature: string; mean: number; std: number }[] {
  const code = new Map(classes.map((c, i) => [c, i]));
  const yTrue = Float64Array.from(raw, (r) => (task === 'classification' ? code.get(String(r[target]))! : Number(r[target])));
  const scoreOf = (m: Matrix) => (task === 'classification' ? accuracy(yTrue, estimator.predict(state, m)) : r2(yTrue, estimator.predict(state, m)));
  const baseline = scoreOf(X);
  const random = seededRandom(opts.seed);
  return X.names.map((feature, j) => {
    const drops: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      const shuffled = Float64Array.from(X.columns[j]);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const k = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[k]] = [shuffled[k], shuffled[i]];
      }
      drops.push(baseline - scoreOf({ ...X, columns: X.columns.map((c, jj) => (jj === j ? shuffled : c)) }));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
    return { feature, mean, std: Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length) };
  });
}
