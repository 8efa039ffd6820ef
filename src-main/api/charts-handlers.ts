import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import type { API, ApiResponse } from '../../src-shared/api/contract.js';
import {
  DriftReportData,
  type EvaluationChartData,
  type LineageItem,
  type MetricSeries,
  type TuningChartData,
} from '../../src-shared/api/charts-contract.js';
import { LineageLookupError, type LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord, LineageStep, ModelVersionInfo, NodeRunDetail } from '../lineage/types.js';
import { ApiCallError } from './api-service.js';

/** The charts panel's API methods; the service validates requests with the contract before these run. */
export type ChartsMethod = 'charts.experiments' | 'charts.run' | 'charts.driftReports' | 'charts.drift' | 'lineage.graph';
export type ChartsHandlers = {
  [M in ChartsMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;
};

const DRIFT_TYPE = 'monitor.drift';
const EVALUATE_TYPE = 'evaluate.model';
const TUNE_TYPE = 'train.tune';
const DEFAULT_EXPERIMENTS = 10_000;
const DEFAULT_DRIFT_RUNS = 100;

// What the charts read of the evaluate.model and train.tune reports (nodes/evaluate-model/run.ts,
// nodes/train-tune/run.ts); anything else in them stays on disk.
const EvaluationReport = z.object({
  kind: z.literal('evaluation'),
  task: z.enum(['classification', 'regression']),
  metrics: z.record(z.string(), z.number().nullable()),
  classes: z.array(z.string()).optional(),
  confusion_matrix: z.array(z.array(z.number())).optional(),
  positive: z.string().optional(),
  roc_curve: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }).optional(),
  pr_curve: z.object({ precision: z.array(z.number()), recall: z.array(z.number()) }).optional(),
});
const TuningReport = z.object({
  kind: z.literal('tuning'),
  metric: z.string(),
  folds: z.number(),
  candidates: z.array(z.object({ params: z.record(z.string(), z.unknown()), scores: z.array(z.number()), mean: z.number(), std: z.number() })),
});

export function chartsHandlers(lineage: LineageStore): ChartsHandlers {
  function runOf(runId: string) {
    try {
      const run = lineage.getRun(runId);
      if (!run) throw new ApiCallError('not-found', `no run "${runId}"`);
      return run;
    } catch (e) {
      if (e instanceof LineageLookupError) throw new ApiCallError('bad-request', e.message);
      throw e;
    }
  }

  return {
    'charts.experiments': async ({ pipelineId, limit = DEFAULT_EXPERIMENTS }) =>
      experimentColumns(lineage.experimentsAcross({ ...(pipelineId === undefined ? {} : { pipelineId }), limit })),

    'charts.run': async ({ runId }) => {
      const run = runOf(runId);
      const evaluations: EvaluationChartData[] = [];
      const tunings: TuningChartData[] = [];
      const missing: string[] = [];
      for (const n of latestPerNode(run.nodeRuns)) {
        if (n.nodeType !== EVALUATE_TYPE && n.nodeType !== TUNE_TYPE) continue;
        const artifact = n.outputs.find((o) => o.port === 'report');
        if (!artifact) continue;
        const json = await readReport(artifact);
        if (json === undefined) {
          missing.push(`the report of node "${n.nodeId}" was evicted from the cache; run the pipeline again to chart it`);
          continue;
        }
        if (n.nodeType === EVALUATE_TYPE) {
          const r = EvaluationReport.safeParse(json);
          if (!r.success) missing.push(`node "${n.nodeId}": unreadable evaluation report (${r.error.issues[0]?.message ?? 'bad shape'})`);
          else evaluations.push(evaluationData(n.nodeId, r.data));
        } else {
          const r = TuningReport.safeParse(json);
          if (!r.success) missing.push(`node "${n.nodeId}": unreadable tuning report (${r.error.issues[0]?.message ?? 'bad shape'})`);
          else tunings.push({ nodeId: n.nodeId, metric: r.data.metric, folds: r.data.folds, candidates: r.data.candidates });
        }
      }
      return { runId: run.runId, evaluations, tunings, series: stepSeries(run.nodeRuns), missing };
    },

    'charts.driftReports': async ({ pipelineId, limit = DEFAULT_DRIFT_RUNS }) => {
      const reports = [];
      for (const summary of lineage.listRuns({ pipelineId, limit })) {
        const run = lineage.getRun(summary.runId);
        if (!run) continue;
        for (const n of latestPerNode(run.nodeRuns)) {
          if (n.nodeType !== DRIFT_TYPE || !n.outputs.some((o) => o.port === 'report')) continue;
          const metric = (name: string) => n.metrics.find((m) => m.name === name && m.step === undefined)?.value;
          const share = metric('share_drifted');
          const drift = metric('dataset_drift');
          reports.push({
            runId: run.runId,
            nodeId: n.nodeId,
            startedAt: n.startedAt,
            share: share !== undefined && Number.isFinite(share) ? share : null,
            datasetDrift: drift === undefined ? null : drift === 1,
          });
        }
      }
      return { reports };
    },

    'charts.drift': async ({ runId, node }) => {
      const run = runOf(runId);
      const n = latestPerNode(run.nodeRuns).find((x) => x.nodeId === node);
      if (!n) throw new ApiCallError('not-found', `node "${node}" did not run in run ${run.runId}`);
      if (n.nodeType !== DRIFT_TYPE) throw new ApiCallError('bad-request', `node "${node}" is a ${n.nodeType} node, not ${DRIFT_TYPE}`);
      const artifact = n.outputs.find((o) => o.port === 'report');
      if (!artifact) throw new ApiCallError('not-found', `node "${node}" wrote no report in run ${run.runId}`);
      const json = await readReport(artifact);
      if (json === undefined) throw new ApiCallError('evicted', `the drift report of node "${node}" was evicted from the cache; run the pipeline again to see it`);
      const parsed = DriftReportData.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ApiCallError('failed', `the report of node "${node}" is not a drift report: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
      }
      return { runId: run.runId, nodeId: n.nodeId, report: parsed.data };
    },

    'lineage.graph': async ({ subject }) => lineageGraph(lineage, subject),
  };
}

/** The store's rows as the contract's columns: one array per field, param and metric. */
export function experimentColumns(rows: ReturnType<LineageStore['experimentsAcross']>): ApiResponse<'charts.experiments'> {
  const n = rows.length;
  const pipelines: Record<string, string> = {};
  const paramValues = new Map<string, unknown[]>();
  const metricValues = new Map<string, (number | null)[]>();
  rows.forEach((r, i) => {
    pipelines[r.pipelineId] = r.pipelineName;
    for (const k in r.params) {
      let col = paramValues.get(k);
      if (!col) paramValues.set(k, (col = new Array<unknown>(n).fill(null)));
      col[i] = r.params[k];
    }
    for (const k in r.metrics) {
      let col = metricValues.get(k);
      if (!col) metricValues.set(k, (col = new Array<number | null>(n).fill(null)));
      // NaN does not survive JSON: it travels as null and the table shows it as missing.
      col[i] = Number.isFinite(r.metrics[k]) ? r.metrics[k] : null;
    }
  });
  return {
    runIds: rows.map((r) => r.runId),
    pipelineIds: rows.map((r) => r.pipelineId),
    statuses: rows.map((r) => r.status),
    startedAt: rows.map((r) => r.startedAt),
    pipelines,
    params: [...paramValues].map(([key, values]) => (n > 1 && allSame(values) ? { key, value: values[0] } : { key, values })),
    metrics: [...metricValues].map(([key, values]) => ({ key, values })),
  };
}

/** Every value the same (compared as JSON, so equal objects and arrays count). */
function allSame(values: readonly unknown[]): boolean {
  const first = JSON.stringify(values[0] ?? null);
  return values.every((v) => v === values[0] || JSON.stringify(v ?? null) === first);
}

/** A re-run node keeps only its last run, as in the experiments table. */
function latestPerNode(nodeRuns: readonly NodeRunDetail[]): NodeRunDetail[] {
  const last = new Map<string, NodeRunDetail>();
  for (const n of nodeRuns) last.set(n.nodeId, n);
  return [...last.values()];
}

async function readReport(artifact: ArtifactRecord): Promise<unknown> {
  const text = await readFile(artifact.path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

function evaluationData(nodeId: string, r: z.infer<typeof EvaluationReport>): EvaluationChartData {
  return {
    nodeId,
    task: r.task,
    metrics: r.metrics,
    ...(r.classes ? { classes: r.classes } : {}),
    ...(r.confusion_matrix ? { confusionMatrix: r.confusion_matrix } : {}),
    ...(r.positive !== undefined ? { positive: r.positive } : {}),
    ...(r.roc_curve ? { roc: { fpr: r.roc_curve.fpr, tpr: r.roc_curve.tpr } } : {}),
    ...(r.pr_curve ? { pr: { precision: r.pr_curve.precision, recall: r.pr_curve.recall } } : {}),
  };
}

/** Metrics recorded with a step, one series per node and name, in step order. */
function stepSeries(nodeRuns: readonly NodeRunDetail[]): MetricSeries[] {
  const series = new Map<string, MetricSeries>();
  for (const n of latestPerNode(nodeRuns)) {
    for (const m of n.metrics) {
      if (m.step === undefined) continue;
      const key = `${n.nodeId}\u0000${m.name}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { nodeId: n.nodeId, name: m.name, points: [] }));
      s.points.push({ step: m.step, value: Number.isFinite(m.value) ? m.value : null });
    }
  }
  for (const s of series.values()) s.points.sort((a, b) => a.step - b.step);
  return [...series.values()];
}

// ---------------------------------------------------------------- lineage graph

const MODEL_SUBJECT = /^model:([^:]+)(?::(\d+))?$/;

function lineageGraph(lineage: LineageStore, subject: string): ApiResponse<'lineage.graph'> {
  let start = subject;
  let modelVersion: { name: string; version: ModelVersionInfo } | undefined;
  const m = MODEL_SUBJECT.exec(subject);
  if (m) {
    const model = lineage.getModel(m[1]);
    if (!model) throw new ApiCallError('not-found', `no model "${m[1]}" in the registry`);
    const version = m[2] === undefined ? model.versions.at(-1) : model.versions.find((v) => v.version === Number(m[2]));
    if (!version) throw new ApiCallError('not-found', `model "${m[1]}" has no version ${m[2] ?? ''}`.trim());
    modelVersion = { name: model.name, version };
    start = version.artifactHash;
  }
  let result;
  try {
    result = lineage.lineage(start);
  } catch (e) {
    if (e instanceof LineageLookupError) throw new ApiCallError('bad-request', e.message);
    throw e;
  }
  if (!result) throw new ApiCallError('not-found', `"${subject}" is neither a run id nor an artifact hash in the lineage store`);

  const items = new Map<string, LineageItem>();
  const links = new Map<string, { from: string; to: string }>();
  const link = (from: string, to: string) => links.set(`${from}>${to}`, { from, to });
  const addArtifact = (a: ArtifactRecord): string => {
    const id = `artifact:${a.hash}`;
    if (!items.has(id)) items.set(id, artifactItem(a));
    return id;
  };
  const addStep = (st: LineageStep) => {
    const id = `step:${st.nodeRunId}`;
    items.set(id, {
      id,
      kind: 'step',
      label: st.nodeId,
      details: [
        ['node', st.nodeId],
        ['type', st.nodeType],
        ['run', st.runId],
        ['node run', String(st.nodeRunId)],
      ],
    });
    const runItem = `run:${st.runId}`;
    if (!items.has(runItem)) items.set(runItem, { id: runItem, kind: 'run', label: `run ${shortRun(st.runId)}`, details: [['run', st.runId]], subject: st.runId });
    link(runItem, id);
    for (const i of st.inputs) link(addArtifact(i), id);
    for (const o of st.outputs) link(id, addArtifact(o));
  };
  for (const st of [...result.upstream, ...result.downstream]) addStep(st);

  let rootId: string;
  if (result.subject.kind === 'run') {
    rootId = `run:${result.subject.runId}`;
    if (!items.has(rootId)) items.set(rootId, { id: rootId, kind: 'run', label: `run ${shortRun(result.subject.runId)}`, details: [['run', result.subject.runId]], subject: result.subject.runId });
  } else {
    rootId = addArtifact(result.subject.artifact);
  }

  // Registered versions of any model artifact in the graph (a model's lineage ends at them).
  const hashes = new Set([...items.values()].filter((i) => i.kind === 'model').map((i) => i.subject));
  for (const model of lineage.listModels()) {
    for (const v of model.versions) {
      const from = hashes.has(v.artifactHash) ? v.artifactHash : v.onnxHash !== null && hashes.has(v.onnxHash) ? v.onnxHash : undefined;
      if (from === undefined) continue;
      const id = `model:${model.name}:${v.version}`;
      items.set(id, {
        id,
        kind: 'modelVersion',
        label: `${model.name} v${v.version}`,
        details: [
          ['model', model.name],
          ['version', String(v.version)],
          ['stage', v.stage],
          ['artifact', v.artifactHash],
          ...(v.runId ? ([['run', v.runId]] as [string, string][]) : []),
        ],
        subject: `model:${model.name}:${v.version}`,
      });
      link(`artifact:${from}`, id);
    }
  }
  if (modelVersion) rootId = `model:${modelVersion.name}:${modelVersion.version.version}`;
  const root = items.get(rootId);
  if (root) items.set(rootId, { ...root, root: true });

  return { subject, items: [...items.values()], links: [...links.values()], truncated: result.truncated };
}

function artifactItem(a: ArtifactRecord): LineageItem {
  const details: [string, string][] = [
    ['kind', a.kind],
    ['hash', a.hash],
    ['path', a.path],
    ['bytes', String(a.bytes)],
  ];
  if (a.rows !== undefined) details.push(['rows', String(a.rows)]);
  if (a.columns) details.push(['columns', a.columns.map((c) => c.name).join(', ')]);
  return {
    id: `artifact:${a.hash}`,
    kind: a.kind,
    // A source file by its name; made things by kind and the start of their hash.
    label: a.kind === 'file' ? basename(a.path) : `${a.kind} ${a.hash.slice(0, 8)}`,
    details,
    subject: a.hash,
  };
}

/** The random tail of the engine's run ids (`run_<time>_<8 hex>`): runs started together share the rest. */
function shortRun(runId: string): string {
  return /_([0-9a-f]{8})$/.exec(runId)?.[1] ?? runId.slice(0, 8);
}
