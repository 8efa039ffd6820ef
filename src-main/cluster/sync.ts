import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { NodeStatus } from '../../src-shared/api/contract.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { ArtifactStore } from '../engine/artifact-store.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord, EnvironmentInfo } from '../lineage/types.js';
import { sha256 } from '../util/files.js';
import { StoreError, toRecord, type RunEnd, type StepRecord, type StepStore, type StoredArtifact } from './store.js';

/**
 * `plumb sync`: imports a store's runs into the local lineage store, so a cluster run shows in
 * `plumb runs`, `plumb show`, `plumb lineage` and the experiments view like a local one. Artifact
 * files are copied (verified) into the local artifact store, so previews work; each succeeded
 * step's outputs also become local cache entries, so a later local run reuses them.
 *
 * Idempotent: a run already in the local store is left alone. A run still in progress (steps
 * missing and none failed) is not imported yet: importing it now would freeze it half done.
 */
export interface SyncResult {
  readonly imported: readonly { readonly runId: string; readonly status: 'succeeded' | 'failed'; readonly nodes: number }[];
  readonly skipped: readonly { readonly runId: string; readonly reason: string }[];
}

interface PendingRun {
  readonly runId: string;
  readonly doc: PipelineDocument;
  readonly text: string;
  readonly steps: readonly StepRecord[];
  readonly end: RunEnd | undefined;
  readonly startedAt: number;
}

export async function syncStore(store: StepStore, lineage: LineageStore, artifacts: ArtifactStore): Promise<SyncResult> {
  const imported: { runId: string; status: 'succeeded' | 'failed'; nodes: number }[] = [];
  const skipped: { runId: string; reason: string }[] = [];
  const runs: PendingRun[] = [];
  for (const runId of await store.listRuns()) {
    if (hasRun(lineage, runId)) {
      skipped.push({ runId, reason: 'already imported' });
      continue;
    }
    const text = await store.getRunDocument(runId);
    const loaded = text === undefined ? undefined : parsePipelineText(text);
    if (!text || !loaded?.ok) {
      skipped.push({ runId, reason: text === undefined ? 'no pipeline document in the store yet' : `its pipeline document does not load (${loaded && !loaded.ok ? loaded.reason : ''})` });
      continue;
    }
    const steps = await store.listSteps(runId);
    const end = await store.getRunEnd(runId);
    runs.push({ runId, doc: loaded.document, text, steps, end, startedAt: Math.min(...steps.map((s) => s.startedAt), end?.startedAt ?? Infinity) });
  }
  // Oldest first: a cached step's producer is then already in the store when it is imported.
  runs.sort((a, b) => a.startedAt - b.startedAt || (a.runId < b.runId ? -1 : 1));
  for (const run of runs) {
    const byNode = new Map(run.steps.map((s) => [s.node, s]));
    const missing = run.doc.nodes.filter((n) => !byNode.has(n.id)).map((n) => n.id);
    const failed = run.steps.some((s) => s.status === 'failed' || s.status === 'cancelled') || run.end?.status === 'failed';
    if (missing.length > 0 && !failed) {
      skipped.push({ runId: run.runId, reason: `in progress: ${run.steps.length} of ${run.doc.nodes.length} steps recorded (sync again when the workflow has ended)` });
      continue;
    }
    try {
      const local = await copyArtifacts(store, artifacts, run.steps);
      const status = failed ? 'failed' : 'succeeded';
      lineage.batch(() => writeRun(lineage, run, local, missing, status));
      imported.push({ runId: run.runId, status, nodes: run.doc.nodes.length });
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      skipped.push({ runId: run.runId, reason: e.message });
    }
  }
  return { imported, skipped };
}

function hasRun(lineage: LineageStore, runId: string): boolean {
  try {
    return lineage.getRun(runId)?.runId === runId;
  } catch {
    return false; // an ambiguous prefix: not this exact id
  }
}

/** Verified copies of every stored artifact the steps name, in the local artifact store: hash -> record. */
async function copyArtifacts(store: StepStore, artifacts: ArtifactStore, steps: readonly StepRecord[]): Promise<Map<string, ArtifactRecord>> {
  const local = new Map<string, ArtifactRecord>();
  for (const s of steps) {
    for (const a of [...Object.values(s.inputs), ...Object.values(s.outputs)]) {
      if (local.has(a.hash)) continue;
      if (a.kind === 'file') {
        local.set(a.hash, toRecord(a, a.file));
        continue;
      }
      const source = await store.readArtifact(a); // throws on a torn artifact: it is never imported
      const dir = join(artifacts.root, a.hash.slice(0, 2));
      const target = join(dir, `${a.hash}${extname(a.file)}`);
      if (!(await sameSize(target, a.bytes))) {
        await mkdir(dir, { recursive: true });
        const tmp = `${target}.${randomUUID().slice(0, 8)}.tmp`;
        await copyFile(source, tmp);
        await rename(tmp, target);
      }
      local.set(a.hash, toRecord(a, target));
    }
  }
  return local;
}

function writeRun(lineage: LineageStore, run: PendingRun, local: ReadonlyMap<string, ArtifactRecord>, missing: readonly string[], status: 'succeeded' | 'failed'): void {
  const steps = [...run.steps].sort((a, b) => a.startedAt - b.startedAt || (a.node < b.node ? -1 : 1));
  const first = steps[0];
  const endedAt = Math.max(...steps.map((s) => s.endedAt), run.end?.endedAt ?? 0, run.startedAt);
  lineage.beginRun({
    runId: run.runId,
    pipelineId: run.doc.id,
    pipelineName: run.doc.name,
    documentHash: sha256(run.text),
    documentText: run.text,
    documentPath: first?.documentPath && existsSync(first.documentPath) ? first.documentPath : null,
    mode: 'all',
    target: null,
    force: false,
    startedAt: Number.isFinite(run.startedAt) ? run.startedAt : endedAt,
    env: envOf(first),
    nodeTypes: Object.fromEntries(run.doc.nodes.map((n) => [n.id, { type: n.type, version: n.typeVersion }])),
    pid: process.pid,
  });
  for (const s of steps) {
    const ports = (m: Readonly<Record<string, StoredArtifact>>): Record<string, string> => Object.fromEntries(Object.entries(m).map(([p, a]) => [p, a.hash]));
    for (const a of [...Object.values(s.inputs), ...Object.values(s.outputs)]) lineage.putArtifact(local.get(a.hash)!);
    const id = lineage.startNodeRun({
      runId: run.runId,
      nodeId: s.node,
      nodeType: s.type,
      typeVersion: s.typeVersion,
      params: s.params,
      cacheKey: s.cacheKey,
      keyParts: s.keyParts,
      startedAt: s.startedAt,
    });
    lineage.addLogs(id, s.logs);
    lineage.addMetrics(id, s.metrics.map((m) => ({ name: m.name, value: m.value ?? NaN, ...(m.step !== undefined ? { step: m.step } : {}) })));
    lineage.finishNodeRun(id, {
      status: s.status,
      endedAt: s.endedAt,
      ms: s.ms,
      cacheHit: s.cached,
      ...(s.error ? { error: s.error } : {}),
      inputs: ports(s.inputs),
      outputs: ports(s.outputs),
    });
    if (s.status === 'succeeded' && Object.keys(s.outputs).length > 0) lineage.cachePut(s.cacheKey, ports(s.outputs));
    for (const r of s.registrations ?? []) {
      try {
        const result = lineage.registerModelVersion({ ...r, runId: run.runId, nodeRunId: id });
        lineage.addLogs(id, [{ time: s.endedAt, level: 'info', message: `synced: model "${r.name}" is version ${result.version} here; stage ${result.stage}` }]);
      } catch (e) {
        // The run's facts still import; the registry says why it would not take the version.
        lineage.addLogs(id, [{ time: s.endedAt, level: 'warn', message: `synced: model "${r.name}" not registered: ${e instanceof Error ? e.message : String(e)}` }]);
      }
    }
  }
  // Nodes without a record in a failed run: the one whose process died, and the dependants that never started.
  for (const nodeId of missing) {
    const node = run.doc.nodes.find((n) => n.id === nodeId)!;
    const died = run.end?.failed?.find((f) => f.node === nodeId);
    const nodeStatus: Extract<NodeStatus, 'failed' | 'skipped'> = died ? 'failed' : 'skipped';
    const id = lineage.startNodeRun({
      runId: run.runId,
      nodeId,
      nodeType: node.type,
      typeVersion: node.typeVersion,
      params: node.params,
      cacheKey: '',
      keyParts: { type: node.type, typeVersion: node.typeVersion, params: node.params, inputs: {}, files: {} },
      startedAt: endedAt,
    });
    lineage.finishNodeRun(id, { status: nodeStatus, endedAt, ms: 0, cacheHit: false, ...(died ? { error: { message: died.error } } : {}), inputs: {}, outputs: {} });
  }
  const failedNodes = [...steps.filter((s) => s.status === 'failed').map((s) => s.node), ...(run.end?.failed ?? []).map((f) => f.node).filter((n) => missing.includes(n))];
  lineage.finishRun(run.runId, { status, endedAt, ...(status === 'failed' ? { error: `step${failedNodes.length === 1 ? '' : 's'} failed: ${failedNodes.join(', ') || 'unknown'}` } : {}) });
}

function envOf(step: StepRecord | undefined): EnvironmentInfo {
  const e = step?.env ?? {};
  const str = (k: string): string => (typeof e[k] === 'string' ? (e[k] as string) : 'unknown');
  return { os: str('os'), arch: str('arch'), cpus: typeof e.cpus === 'number' ? e.cpus : 0, node: str('node'), duckdb: str('duckdb'), onnxruntime: str('onnxruntime'), app: str('app') };
}

async function sameSize(path: string, bytes: number): Promise<boolean> {
  try {
    return (await stat(path)).size === bytes;
  } catch {
    return false;
  }
}

