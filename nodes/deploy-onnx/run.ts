import { readFile, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { checkModelName, RegistryError } from '../../src-main/lineage/model-registry.js';
import { accuracy, mae, r2, rmse, rocAuc, rocAucOvr } from '../../src-main/ml/metrics/index.js';
import { parseModelArtifact, type ModelArtifact } from '../../src-main/ml/model-artifact.js';
import { exportModelToOnnx, OnnxExportError, type OnnxExport } from '../../src-main/onnx/export-model.js';
import { appPredictions, onnxFeeds, type Predictions } from '../../src-main/onnx/parity.js';
import { describeWorstRows, ParityAccumulator, parityPassed, type ParityStats } from './parity-stats.js';

/** Parity is checked on every row up to this many (as evaluate.model scores at most this many). */
const MAX_ROWS = 1_000_000;
/** Rows per onnxruntime call and per read: bounded memory on a large test set. */
const CHUNK_ROWS = 10_000;

type Row = Record<string, unknown>;

export const runDeployOnnx: NodeRunFn = async (ctx, inputs, params) => {
  const name = String(params.name ?? '').trim();
  if (name === '') throw new NodeError('name: a registry name is required');
  try {
    checkModelName(name);
  } catch (e) {
    throw new NodeError(`name: ${(e as RegistryError).message}`);
  }
  const stage = String(params.stage ?? 'none') as 'none' | 'staging' | 'production';
  const comment = String(params.comment ?? '').trim();
  if (stage !== 'none' && comment === '') throw new NodeError(`comment: a comment is required to put the version in ${stage}`);
  const tolerance = Number(params.tolerance ?? 1e-5);
  if (!(tolerance >= 0)) throw new NodeError(`tolerance: ${String(params.tolerance)} is not a number >= 0`);

  if (inputs.model.path.endsWith('.onnx')) {
    throw new NodeError('model: this is already an ONNX file; connect a trained model (a train.* node\'s output)');
  }
  const model = parseModelArtifact(await readFile(inputs.model.path, 'utf8'), 'the model input');

  ctx.progress(0.05, 'exporting to ONNX');
  let exported: OnnxExport;
  try {
    exported = exportModelToOnnx(model);
  } catch (e) {
    if (e instanceof OnnxExportError) throw new NodeError(`cannot export the model to ONNX: ${e.message}`);
    throw e;
  }

  const data = inputs.data;
  const totalRows = data.rows ?? 0;
  if (totalRows === 0) throw new NodeError('data has no rows to check the export on');
  if (totalRows > MAX_ROWS) throw new NodeError(`data has ${totalRows} rows; the parity check takes at most ${MAX_ROWS}: sample it first`);
  const dataColumns = new Map((data.columns ?? []).map((c) => [c.name, c.type]));
  const missing = exported.inputs.filter((i) => !dataColumns.has(i.name)).map((i) => `"${i.name}"`);
  if (missing.length > 0) throw new NodeError(`data lacks the model's input columns ${missing.join(', ')} (connect the raw rows, before any feature steps)`);

  const session = await ort.InferenceSession.create(exported.bytes, { logSeverityLevel: 3 });
  const parity = new ParityAccumulator();
  const scored = new ScoreCollector(model);
  const inputNames = exported.inputs.map((i) => i.name);
  try {
    for (let offset = 0; offset < totalRows; offset += CHUNK_ROWS) {
      ctx.progress(0.1 + 0.8 * (offset / totalRows), `checking rows ${offset + 1}-${Math.min(totalRows, offset + CHUNK_ROWS)} of ${totalRows}`);
      const raw = await ctx.db.objects('SELECT * FROM read_parquet($p) LIMIT $n OFFSET $o', { p: data.path, n: CHUNK_ROWS, o: offset });
      const app = appPredictions(model, raw);
      const onnx = graphPredictions(await session.run(onnxFeeds(exported.inputs, raw)), raw.length);
      parity.add(offset, raw, inputNames, app, onnx);
      scored.add(raw, app);
    }
  } finally {
    await session.release();
  }
  const stats = parity.stats();
  for (const [metric, value] of [
    ['parity_max_rel_diff', stats.maxRelDiff],
    ['parity_max_abs_diff', stats.maxAbsDiff],
    ['parity_label_mismatches', stats.labelMismatches],
  ] as const) ctx.metric(metric, value);
  if (!parityPassed(stats, tolerance)) throw new NodeError(parityFailure(stats, tolerance));

  ctx.progress(0.92, 'writing the ONNX file');
  const onnxFile = ctx.tempPath('.onnx');
  await writeFile(onnxFile, exported.bytes);
  const evaluation = inputs.evaluation ? await evaluationMetrics(inputs.evaluation.path) : undefined;
  const metrics = evaluation ?? scored.metrics();
  const inputSchema: ColumnSchema[] = exported.inputs.map((i) => ({ name: i.name, type: dataColumns.get(i.name) ?? i.type }));

  ctx.registerModel({
    name,
    modelPort: 'model',
    onnxPort: 'onnx',
    trainingDataHash: model.trainedOn.table,
    metrics,
    inputSchema,
    stage,
    ...(comment ? { comment } : {}),
  });
  ctx.progress(1);
  return {
    onnx: { kind: 'model', file: onnxFile },
    report: {
      kind: 'report',
      data: {
        kind: 'deploy.onnx',
        passed: true,
        tolerance,
        parity: {
          rows: stats.rows,
          max_abs_diff: stats.maxAbsDiff,
          max_rel_diff: stats.maxRelDiff,
          label_mismatches: stats.labelMismatches,
          refusal_mismatches: stats.refusalMismatches,
          refused_rows: stats.refusedRows,
          worst_rows: describeWorstRows(stats.worst),
        },
        onnx: { bytes: exported.bytes.length, inputs: exported.inputs, outputs: exported.outputs },
        model: { estimator: model.estimator.kind, task: model.estimator.task, target: model.target.name, classes: model.target.classes ?? null },
        metrics,
        metrics_from: evaluation ? 'evaluation' : 'data',
        // The version number is given by the registry when the engine records this node's outputs:
        // see the node's log and its registered_version metric, or `plumb models NAME`.
        registration: { name, stage, comment: comment || null, input_schema: inputSchema },
      },
    },
  };
};

/** The graph's outputs as the app's Predictions shape: labels + probabilities, or [value]. */
function graphPredictions(out: ort.InferenceSession.ReturnType, rows: number): Predictions {
  const scoresOf = (t: ort.Tensor): number[][] => {
    const width = Number(t.dims[1] ?? 1);
    const d = t.data as Float32Array | Float64Array;
    return Array.from({ length: rows }, (_, i) => Array.from(d.subarray(i * width, (i + 1) * width)));
  };
  const scores = out.probabilities ?? out.variable;
  if (!scores) throw new NodeError(`the exported graph answered ${Object.keys(out).join(', ')}, not probabilities or variable`);
  return { ...(out.label ? { labels: Array.from(out.label.data as string[]) } : {}), scores: scoresOf(scores) };
}

function parityFailure(s: ParityStats, tolerance: number): string {
  const what = [
    s.labelMismatches > 0 ? `${s.labelMismatches} label${s.labelMismatches === 1 ? '' : 's'} differ` : '',
    s.refusalMismatches > 0 ? `${s.refusalMismatches} row${s.refusalMismatches === 1 ? '' : 's'} refused by one side only` : '',
    s.maxRelDiff > tolerance ? `the largest relative difference is ${s.maxRelDiff.toExponential(2)} (tolerance ${tolerance})` : '',
  ].filter(Boolean);
  return (
    `the ONNX export does not predict as the app does on ${s.rows} rows: ${what.join('; ')}. Nothing was registered. Worst rows:\n` +
    describeWorstRows(s.worst).map((l) => `  ${l}`).join('\n')
  );
}

/** The scalar metrics of an evaluate.model report. */
async function evaluationMetrics(path: string): Promise<Record<string, number>> {
  let report: unknown;
  try {
    report = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new NodeError('evaluation: the connected report is not readable JSON');
  }
  const metrics = (report as { metrics?: unknown } | null)?.metrics;
  if (!metrics || typeof metrics !== 'object') throw new NodeError('evaluation: the connected report has no metrics (connect an evaluate.model report)');
  return Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/**
 * The version's metrics when no evaluation is connected: accuracy and ROC AUC, or RMSE, MAE and
 * R2, on the data rows that hold the target (rows the model refuses are left out).
 */
class ScoreCollector {
  private readonly truth: number[] = [];
  private readonly predicted: number[] = [];
  private readonly proba: number[][] = [];
  private readonly code: Map<string, number>;

  constructor(private readonly model: ModelArtifact) {
    this.code = new Map((model.target.classes ?? []).map((c, i) => [c, i]));
  }

  add(raw: readonly Row[], app: Predictions): void {
    const target = this.model.target.name;
    raw.forEach((row, i) => {
      const y = row[target];
      if (y === null || y === undefined || app.scores[i].some(Number.isNaN)) return;
      if (this.model.estimator.task === 'classification') {
        const t = this.code.get(String(y));
        const p = this.code.get(app.labels?.[i] ?? '');
        if (t === undefined || p === undefined) return;
        this.truth.push(t);
        this.predicted.push(p);
        this.proba.push([...app.scores[i]]);
      } else {
        this.truth.push(Number(y));
        this.predicted.push(app.scores[i][0]);
      }
    });
  }

  metrics(): Record<string, number> {
    if (this.truth.length === 0) return {};
    const yTrue = Float64Array.from(this.truth);
    const yPred = Float64Array.from(this.predicted);
    if (this.model.estimator.task === 'regression') return { rmse: rmse(yTrue, yPred), mae: mae(yTrue, yPred), r2: r2(yTrue, yPred) };
    const k = this.code.size;
    const out: Record<string, number> = { accuracy: accuracy(yTrue, yPred) };
    const columns = Array.from({ length: k }, (_, j) => Float64Array.from(this.proba, (p) => p[j]));
    if (k === 2) out.roc_auc = rocAuc(yTrue, columns[1]);
    else if (k > 2) out.roc_auc_ovr = rocAucOvr(yTrue, columns);
    return out;
  }
}
