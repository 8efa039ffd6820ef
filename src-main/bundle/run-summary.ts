import type { BundleNodeSummary, BundleRunSummary } from '../../src-shared/bundle/bundle-format.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { NodeRunDetail, RunDetail } from '../lineage/types.js';

/** A node's record in a run: the last one should a run ever hold two. */
export function latestNodeRun(run: RunDetail, nodeId: string): NodeRunDetail | undefined {
  return [...run.nodeRuns].reverse().find((n) => n.nodeId === nodeId);
}

/**
 * The run as the review mode shows it on the canvas: one entry per node of the document (a node
 * the run did not reach is `idle`), params as the document has them, scalar metrics from the
 * lineage store, and which table outputs carry sample rows in the bundle.
 */
export function buildRunSummary(document: PipelineDocument, run: RunDetail, sampled: (nodeId: string, port: string) => boolean): BundleRunSummary {
  const nodes = document.nodes.map((node): BundleNodeSummary => {
    const nr = latestNodeRun(run, node.id);
    const metrics: Record<string, number> = {};
    // Series points (with a step) are chart data, recorded through charts.run; scalars only here.
    for (const m of nr?.metrics ?? []) if (m.step === undefined && Number.isFinite(m.value)) metrics[m.name] = m.value;
    return {
      id: node.id,
      type: node.type,
      label: node.label ?? null,
      status: nr?.status ?? 'idle',
      cached: nr?.cacheHit ?? false,
      ms: nr?.ms ?? null,
      error: nr?.error?.message ?? null,
      params: { ...node.params },
      metrics,
      outputs: (nr?.outputs ?? []).flatMap((o) =>
        o.kind === 'file'
          ? []
          : [{ port: o.port, kind: o.kind, hash: o.hash, rows: o.rows ?? null, sampled: o.kind === 'table' && sampled(node.id, o.port) }],
      ),
    };
  });
  return { runId: run.runId, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt, ms: run.ms, nodes };
}
