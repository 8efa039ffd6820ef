import { useEffect, useMemo, useState } from 'react';
import type { ApiResponse } from '../../../src-shared/api/contract.js';
import { useApp, useController } from '../../app/context.js';
import { formatDuration, formatTime, splitError } from './last-run-format.js';

type NodeRunRecord = ApiResponse<'run.node'>;
type LogLine = NodeRunRecord['logs'][number];

const SETTLED = new Set(['succeeded', 'cached', 'failed', 'cancelled', 'skipped']);

/**
 * The node's last run: while it runs, what the event stream says; once it settled, the lineage
 * store's record of it (timings, cache hit, every log line, the error with its stack), which
 * also survives a reload.
 */
export function LastRun({ nodeId }: { nodeId: string }) {
  const controller = useController();
  const runId = useApp((s) => s.run.nodes[nodeId]?.runId ?? null);
  const status = useApp((s) => s.run.nodes[nodeId]?.status ?? null);
  const cached = useApp((s) => s.run.nodes[nodeId]?.cached ?? false);
  const ms = useApp((s) => s.run.nodes[nodeId]?.ms);
  const liveError = useApp((s) => s.run.nodes[nodeId]?.error);
  const log = useApp((s) => s.run.log);
  const [record, setRecord] = useState<{ key: string; data: NodeRunRecord } | { key: string; error: string } | null>(null);
  const settled = status !== null && SETTLED.has(status);
  const key = `${runId}\u0000${nodeId}\u0000${status}`;

  useEffect(() => {
    if (!runId || !settled) return;
    let live = true;
    controller.inspect('run.node', { runId, node: nodeId }).then(
      (data) => live && setRecord({ key, data }),
      (e: unknown) => live && setRecord({ key, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [controller, runId, nodeId, settled, key]);

  const liveLines = useMemo<LogLine[]>(() => {
    const lines: LogLine[] = [];
    for (const { event } of log) {
      if (event.event === 'log' && event.node === nodeId && event.run === runId) lines.push({ time: event.time, level: event.level, message: event.message });
    }
    return lines;
  }, [log, nodeId, runId]);

  if (!runId || !status) return <p className="hint">This node has not run yet.</p>;
  const data = record && record.key === key && 'data' in record ? record.data : null;
  const loadError = record && record.key === key && 'error' in record ? record.error : null;
  const lines = data ? data.logs : liveLines;
  const error = data?.error ?? (liveError ? { message: liveError, stack: null } : null);
  const { stack } = splitError(error, lines);

  return (
    <div className="last-run" data-testid="last-run">
      <dl className="last-run-facts">
        <dt>Status</dt>
        <dd data-testid="last-run-status">
          <span className={`status-badge status-${status}`}>{status}</span>
          {(data?.cacheHit ?? cached) && <span className="last-run-cache"> · from the cache</span>}
        </dd>
        {data && (
          <>
            <dt>Started</dt>
            <dd>{formatTime(data.startedAt)}</dd>
            {data.endedAt !== null && (
              <>
                <dt>Ended</dt>
                <dd>{formatTime(data.endedAt)}</dd>
              </>
            )}
          </>
        )}
        {(data?.ms ?? ms) !== undefined && (data?.ms ?? ms) !== null && (
          <>
            <dt>Took</dt>
            <dd data-testid="last-run-duration">{formatDuration((data?.ms ?? ms)!)}</dd>
          </>
        )}
        <dt>Run</dt>
        <dd>
          <code title={runId}>{runId.slice(0, 12)}</code>
        </dd>
      </dl>
      {error && (
        <div className="last-run-error" role="alert" data-testid="last-run-error">
          <p className="field-error">{error.message}</p>
          {stack && (
            <details>
              <summary>Stack trace</summary>
              <pre className="stack">{stack}</pre>
            </details>
          )}
        </div>
      )}
      {loadError && <p className="field-error">{loadError}</p>}
      {lines.length > 0 ? (
        <ol className="last-run-log" data-testid="last-run-log">
          {lines.map((l, i) =>
            l.message === stack ? null : (
              <li key={i} className={`log-${l.level}`}>
                <span className="log-time">{formatTime(l.time)}</span> <span className="log-level">{l.level}</span> {l.message}
              </li>
            ),
          )}
        </ol>
      ) : (
        data && <p className="hint">No log lines{data.cacheHit ? ': the result came from the cache' : ''}.</p>
      )}
    </div>
  );
}
