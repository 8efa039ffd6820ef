import { hostname } from 'node:os';
import { extname, relative, resolve, sep } from 'node:path';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { appVersion, createHeadlessEngine } from '../composition.js';
import { environmentInfo } from '../engine/environment.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord, MetricPoint, NodeRunDetail } from '../lineage/types.js';
import { sha256 } from '../util/files.js';
import { ancestorsOf } from './dag.js';
import { StoredArtifact, TornArtifactError, artifactFileName, STEP_FORMAT, toRecord, type MemoEntry, type StepRecord, type StepStore } from './store.js';

/**
 * Step mode (`plumb run FILE --only NODE --store STORE --run RUN`): one node of a pipeline in a
 * process of its own, as one pod of a cluster workflow runs it. The node runs through the
 * ordinary engine in a scratch state folder on the store's file system: its keys come from the
 * engine's own planning (the same cache keys a local run computes), and every upstream node is
 * pre-seeded into the scratch cache from the store's memo entries, so the engine reuses them and
 * runs only this node. Its outputs then move into the store, with a memo entry for its key and a
 * step record; a key the store already holds is a cached step (KFP-style caching).
 */
export interface StepRequest {
  readonly document: PipelineDocument;
  /** The pipeline file: relative source paths resolve against its folder, as in a local run. */
  readonly path: string;
  readonly node: string;
  readonly runId: string;
  readonly store: StepStore;
  readonly catalogue: Catalogue;
  /** Progress and log lines (stderr under the CLI). */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface StepOutcome {
  readonly record: StepRecord;
}

/** Bad input for a step (no such node, an upstream step that has not run): nothing was recorded. */
export class StepInputError extends Error {}

export async function runStep(req: StepRequest): Promise<StepOutcome> {
  const { document: doc, store, node: nodeId } = req;
  const log = req.log ?? (() => {});
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) throw new StepInputError(`--only: no node "${nodeId}" in ${req.path}`);
  const spec = req.catalogue.get(node.type, node.typeVersion);
  if (!spec) throw new StepInputError(`node "${nodeId}": unknown node type ${node.type}@${node.typeVersion}`);

  const scratch = await store.scratchFolder();
  const headless = await createHeadlessEngine(scratch);
  try {
    const { engine, lineage } = headless;
    const keys = new Map((await engine.explain(doc, req.path)).map((e) => [e.node, e.cacheKey]));
    const key = keys.get(nodeId)!;
    const direct = new Set(doc.edges.filter((e) => e.to.node === nodeId).map((e) => e.from.node));
    for (const up of ancestorsOf(doc, nodeId)) {
      const upNode = doc.nodes.find((n) => n.id === up)!;
      if (req.catalogue.get(upNode.type, upNode.typeVersion)?.effect) {
        throw new StepInputError(`node "${nodeId}" reads from "${up}" (${upNode.type}), which acts outside the run and cannot be replayed in a step`);
      }
      const memo = await store.getMemo(keys.get(up)!);
      if (!memo) {
        throw new StepInputError(`upstream node "${up}" has no outputs in the store ${store.location} for its cache key ${keys.get(up)!.slice(0, 12)} (its step has not run, or ran on other inputs)`);
      }
      // Only direct inputs are read, so only they are verified; a torn one fails the step here.
      if (direct.has(up)) for (const a of Object.values(memo.outputs)) await store.readArtifact(a);
      seed(lineage, store, memo);
    }
    const own = spec.effect ? undefined : await store.getMemo(key);
    if (own && (await intact(store, own, log))) seed(lineage, store, own);

    const started = engine.start({ document: doc, path: req.path, mode: 'until', target: nodeId });
    const unsubscribe = engine.onEvent((e) => {
      if (e.event === 'log' && e.node === nodeId && e.level !== 'debug') log(`${nodeId}: ${e.level}: ${e.message.split('\n')[0]}`);
      else if (e.event === 'progress' && e.node === nodeId) log(`${nodeId}: ${Math.round(e.progress * 100)}%${e.message ? ` ${e.message}` : ''}`);
      else if (e.event === 'node' && e.node === nodeId && e.status === 'running') log(`${nodeId}: running`);
    });
    const cancel = (): boolean => engine.cancel(started.runId);
    req.signal?.addEventListener('abort', cancel);
    const outcome = await started.done.finally(() => {
      unsubscribe();
      req.signal?.removeEventListener('abort', cancel);
    });
    const detail = lineage.getRun(started.runId)?.nodeRuns.filter((n) => n.nodeId === nodeId).at(-1);
    const record = await recordOf(req, {
      key,
      keyParts: lineage.lastNodeRun(doc.id, nodeId)?.keyParts ?? { type: node.type, typeVersion: node.typeVersion, params: withDefaults(spec, node.params), inputs: {}, files: {} },
      params: withDefaults(spec, node.params),
      detail,
      runError: outcome.error,
      own,
      lineage,
    });
    await store.putRunDocument(req.runId, toCanonicalJson(doc));
    await store.putStep(record);
    return { record };
  } finally {
    await headless.dispose().catch(() => {});
    await store.removeScratch(scratch);
  }
}

/** Makes a memo entry a cache hit in the scratch lineage, with paths into the store. */
function seed(lineage: LineageStore, store: StepStore, memo: MemoEntry): void {
  lineage.batch(() => {
    for (const a of Object.values(memo.outputs)) lineage.putArtifact(toRecord(a, store.pathOf(a)));
    lineage.cachePut(memo.cacheKey, Object.fromEntries(Object.entries(memo.outputs).map(([port, a]) => [port, a.hash])));
  });
}

/** A memo entry whose artifacts are torn is not reused: the step runs again and replaces them. */
async function intact(store: StepStore, memo: MemoEntry, log: (line: string) => void): Promise<boolean> {
  try {
    for (const a of Object.values(memo.outputs)) await store.readArtifact(a);
    return true;
  } catch (e) {
    if (!(e instanceof TornArtifactError)) throw e;
    log(`warning: ${e.message}; running the step again`);
    return false;
  }
}

async function recordOf(
  req: StepRequest,
  r: {
    key: string;
    keyParts: StepRecord['keyParts'];
    params: Readonly<Record<string, unknown>>;
    detail: NodeRunDetail | undefined;
    runError: string | undefined;
    own: MemoEntry | undefined;
    lineage: LineageStore;
  },
): Promise<StepRecord> {
  const { document: doc, store } = req;
  const node = doc.nodes.find((n) => n.id === req.node)!;
  const d = r.detail;
  const now = Date.now();
  let outputs: Record<string, StoredArtifact> = {};
  let metrics = (d?.metrics ?? []).map(jsonMetric);
  if (d?.status === 'succeeded') {
    for (const o of d.outputs) outputs[o.port] = await store.putArtifact(o.path, o);
    await store.putMemo({ cacheKey: r.key, outputs, metrics });
  } else if (d?.status === 'cached' && r.own) {
    outputs = r.own.outputs;
    metrics = r.own.metrics;
  }
  const text = toCanonicalJson(doc);
  const registrations = d?.status === 'succeeded' ? registrationsOf(r.lineage, d.nodeRunId) : [];
  return {
    format: STEP_FORMAT,
    version: 1,
    runId: req.runId,
    pipelineId: doc.id,
    pipelineName: doc.name,
    documentHash: sha256(text),
    documentPath: resolve(req.path),
    node: node.id,
    type: node.type,
    typeVersion: node.typeVersion,
    params: { ...r.params },
    cacheKey: r.key,
    keyParts: { ...r.keyParts, params: { ...r.keyParts.params }, inputs: { ...r.keyParts.inputs }, files: { ...r.keyParts.files } },
    status: d?.status === 'succeeded' || d?.status === 'cached' || d?.status === 'cancelled' || d?.status === 'skipped' ? d.status : 'failed',
    cached: d?.status === 'cached',
    startedAt: d?.startedAt ?? now,
    endedAt: d?.endedAt ?? now,
    ms: d?.ms ?? 0,
    inputs: Object.fromEntries((d?.inputs ?? []).map((a) => [a.port, toStored(a, store)])),
    outputs,
    metrics,
    logs: (d?.logs ?? []).map((l) => ({ ...l })),
    error: d?.error ? { message: d.error.message, ...(d.error.stack ? { stack: d.error.stack } : {}) } : d ? null : { message: r.runError ?? 'the node did not run' },
    env: { ...environmentInfo(appVersion()) },
    host: hostname(),
    ...(registrations.length ? { registrations } : {}),
  };
}

/** The model versions this node run registered in the scratch registry, to register again at sync. */
function registrationsOf(lineage: LineageStore, nodeRunId: number): NonNullable<StepRecord['registrations']> {
  const out: NonNullable<StepRecord['registrations']> = [];
  for (const model of lineage.listModels()) {
    for (const v of model.versions) {
      if (v.nodeRunId !== nodeRunId) continue;
      const comment = lineage.getModel(model.name)?.events.find((e) => e.version === v.version && e.to === v.stage)?.comment ?? undefined;
      out.push({
        name: model.name,
        artifactHash: v.artifactHash,
        ...(v.onnxHash ? { onnxHash: v.onnxHash } : {}),
        ...(v.trainingDataHash ? { trainingDataHash: v.trainingDataHash } : {}),
        metrics: { ...v.metrics },
        ...(v.inputSchema ? { inputSchema: v.inputSchema.map((c) => ({ name: c.name, type: c.type })) } : {}),
        stage: v.stage === 'archived' ? 'none' : v.stage,
        ...(comment ? { comment } : {}),
      });
    }
  }
  return out;
}

function jsonMetric(m: MetricPoint): StepRecord['metrics'][number] {
  return { name: m.name, value: Number.isFinite(m.value) ? m.value : null, ...(m.step !== undefined ? { step: m.step } : {}) };
}

/** An input as the store names it: store-relative for its artifacts, the read path for a source file. */
function toStored(a: ArtifactRecord, store: StepStore): StoredArtifact {
  const inStore = resolve(a.path).startsWith(store.location + sep);
  const file = a.kind === 'file' ? a.path : inStore ? relative(store.location, resolve(a.path)).split(sep).join('/') : artifactFileName(a.hash, extname(a.path));
  return StoredArtifact.parse({
    hash: a.hash,
    kind: a.kind,
    file,
    bytes: a.bytes,
    ...(a.rows !== undefined ? { rows: a.rows } : {}),
    ...(a.columns ? { columns: a.columns } : {}),
    ...(a.meta ? { meta: a.meta } : {}),
  });
}
