import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useCommands } from '../app/context.js';
import { isRunActive, runCounts, type RunLogEntry } from '../state/run-slice.js';
import { formatMs } from './format.js';

export function RunLog() {
  const runId = useApp((s) => s.run.runId);
  const log = useApp((s) => s.run.log);
  const listRef = useRef<HTMLOListElement>(null);
  const runShortcut = useCommands().shortcutLabel('run.all');

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log]);

  return (
    <section className="runlog" data-testid="run-log" aria-label="Run log">
      <header className="runlog-header">
        <h2 className="panel-title">Run log</h2>
        {runId && (
          <span className="runlog-id" data-testid="run-id">
            {runId}
          </span>
        )}
        <RunCounts />
      </header>
      {log.length === 0 ? (
        <p className="hint runlog-empty">
          Nothing has run yet. Press Run{runShortcut ? ` (${runShortcut})` : ''} to run the whole pipeline.
        </p>
      ) : (
        <ol className="runlog-list" ref={listRef}>
          {log.map((entry) => (
            <LogLine key={entry.seq} entry={entry} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** After a run: how many nodes came from the cache and how many ran. */
function RunCounts() {
  const done = useApp((s) => s.run.runId !== null && !isRunActive(s.run.status));
  const { cached, ran } = useApp(useShallow((s) => runCounts(s.run)));
  if (!done) return null;
  return (
    <span className="runlog-counts" data-testid="run-counts">
      {cached} cached, {ran} ran
    </span>
  );
}

function LogLine({ entry }: { entry: RunLogEntry }) {
  const e = entry.event;
  switch (e.event) {
    case 'run':
      return (
        <li className={`log-line log-run status-${e.status}`}>
          <span className="log-kind">run</span>
          <span>
            {e.status}
            {e.ms !== undefined && ` in ${formatMs(e.ms)}`}
            {e.error && `: ${e.error}`}
          </span>
        </li>
      );
    case 'node':
      return (
        <li className={`log-line log-node status-${e.status}`}>
          <span className="log-kind">node</span>
          <span>
            <strong>{e.node}</strong> {e.status}
            {e.cached && ' (cached)'}
            {e.ms !== undefined && ` in ${formatMs(e.ms)}`}
            {e.error && `: ${e.error}`}
          </span>
        </li>
      );
    case 'log':
      return (
        <li className={`log-line log-${e.level}`}>
          <span className="log-kind">{e.level}</span>
          <span>
            {e.node && <strong>{e.node} </strong>}
            {e.message}
          </span>
          <time className="log-time" dateTime={new Date(e.time).toISOString()}>
            {new Date(e.time).toLocaleTimeString()}
          </time>
        </li>
      );
    case 'progress':
      return null;
  }
}
