import { NODE_STATUSES, RUN_STATUSES, type NodeStatus, type OutputSummary, type PlumbEvent, type RunStatus } from '../../src-shared/api/contract.js';
import type { BundleNodeSummary, OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import { idleRun, type NodeRun, type RunLogEntry, type RunState } from '../state/run-slice.js';
import { parseRecorded, recordedOf, type RecordedResponses } from './recorded.js';

/**
 * The exported run as the run slice holds a live one, so the canvas's node badges, the
 * inspector's "Last run" and "Outputs" show the bundle with the code that shows a run.
 */

const isNodeStatus = (s: string): s is NodeStatus => (NODE_STATUSES as readonly string[]).includes(s);
const isRunStatus = (s: string): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s);

/**
 * An output as the inspector needs it: the recorded `run.output` answer carries its size and
 * columns; without one the summary's facts are all there is (a table's columns then come from
 * its recorded sample, if any).
 */
function outputSummary(runId: string, node: BundleNodeSummary, o: BundleNodeSummary['outputs'][number], recorded: RecordedResponses): OutputSummary {
  const entry = recorded.find('run.output', { runId, node: node.id, port: o.port });
  const parsed = entry ? parseRecorded('run.output', entry.response) : null;
  if (parsed?.ok) return parsed.value.summary;
  const sample = o.kind === 'table' ? recorded.preview(o.hash) : undefined;
  return {
    port: o.port,
    kind: o.kind,
    hash: o.hash,
    bytes: 0,
    ...(o.rows !== null ? { rows: o.rows } : {}),
    ...(sample ? { columns: sample.columns } : {}),
  };
}

/**
 * The run log as the run's events would have filled it: per node its recorded log lines, then
 * its status; the run's end last.
 */
function reviewLog(runId: string, summary: NonNullable<OpenedBundle['summary']>, nodes: Readonly<Record<string, NodeRun>>, recorded: RecordedResponses): RunLogEntry[] {
  const events: PlumbEvent[] = [];
  for (const n of summary.nodes) {
    const record = recorded.find('run.node', { runId, node: n.id });
    const parsed = record ? parseRecorded('run.node', record.response) : null;
    for (const line of parsed?.ok ? parsed.value.logs : []) events.push({ event: 'log', run: runId, node: n.id, ...line });
    const node = nodes[n.id]!;
    events.push({ event: 'node', run: runId, node: n.id, status: node.status, cached: node.cached, ...(node.ms !== undefined ? { ms: node.ms } : {}), ...(node.error !== undefined ? { error: node.error } : {}) });
  }
  if (isRunStatus(summary.status)) events.push({ event: 'run', run: runId, status: summary.status, ...(summary.ms !== null ? { ms: summary.ms } : {}) });
  return events.map((event, i) => ({ seq: i + 1, event }));
}

export function reviewRunState(bundle: OpenedBundle): RunState {
  const summary = bundle.summary;
  if (!summary) return idleRun;
  const recorded = recordedOf(bundle);
  const nodes: Record<string, NodeRun> = {};
  for (const n of summary.nodes) {
    nodes[n.id] = {
      runId: summary.runId,
      // A status this build does not know is shown as not run rather than guessed.
      status: isNodeStatus(n.status) ? n.status : 'idle',
      cached: n.cached,
      ...(n.ms !== null ? { ms: n.ms } : {}),
      ...(n.error !== null ? { error: n.error } : {}),
      outputs: n.outputs.map((o) => outputSummary(summary.runId, n, o, recorded)),
    };
  }
  const log = reviewLog(summary.runId, summary, nodes, recorded);
  return {
    ...idleRun,
    runId: summary.runId,
    status: isRunStatus(summary.status) ? summary.status : 'interrupted',
    ms: summary.ms,
    nodes,
    log,
    nextSeq: log.length + 1,
  };
}

/** How many rows of a table the bundle carries (its sample), or null when it carries none. */
export function sampledRows(bundle: OpenedBundle, hash: string): number | null {
  return recordedOf(bundle).preview(hash)?.rows.length ?? null;
}
