import { useEffect } from 'react';
import type { OutputSummary } from '../../../src-shared/api/contract.js';
import { useApp, useController } from '../../app/context.js';
import { sampledRows } from '../../review/review-run.js';
import { isRunActive, outputKey } from '../../state/run-slice.js';
import { formatBytes } from '../format.js';
import { ProfileView, readProfile } from './ProfileView.js';
import { TableView } from './TableView.js';

export function NodeOutputs({ nodeId }: { nodeId: string }) {
  // A node the latest run left out shows what its own (earlier) run produced.
  const runId = useApp((s) => s.run.nodes[nodeId]?.runId ?? null);
  const outputs = useApp((s) => s.run.nodes[nodeId]?.outputs);
  // The host serves a run's outputs once the run as a whole has finished.
  const finished = useApp((s) => s.run.nodes[nodeId]?.runId !== s.run.runId || !isRunActive(s.run.status));
  if (!runId || !outputs || outputs.length === 0) {
    return <p className="hint">Run the pipeline to see what this node produces.</p>;
  }
  return (
    <div className="outputs">
      {outputs.map((o) => (
        <OutputView key={o.port} runId={runId} nodeId={nodeId} summary={o} finished={finished} />
      ))}
    </div>
  );
}

interface OutputProps {
  readonly runId: string;
  readonly nodeId: string;
  readonly summary: OutputSummary;
  readonly finished: boolean;
}

function OutputView({ runId, nodeId, summary, finished }: OutputProps) {
  const controller = useController();
  const key = outputKey(runId, nodeId, summary.port);
  const loaded = useApp((s) => s.outputs[key]);
  // Under review a table is the bundle's sample of it (null: none was exported); undefined: not reviewing.
  const sample = useApp((s) => (s.review ? sampledRows(s.review.bundle, summary.hash) : undefined));
  // Tables page through artifact.preview themselves; reports come whole with run.output.
  const wanted = summary.kind === 'report';

  useEffect(() => {
    if (wanted && finished) void controller.loadOutput(runId, nodeId, summary.port);
  }, [controller, runId, nodeId, summary.port, wanted, finished]);

  return (
    <div className="output" data-testid={`output-${nodeId}-${summary.port}`}>
      <div className="output-head">
        <span className="output-port">{summary.port}</span>
        <span className={`output-kind kind-${summary.kind}`}>{summary.kind}</span>
        {summary.rows !== undefined && (
          <span className="output-meta" data-testid={`output-rows-${nodeId}-${summary.port}`}>
            {summary.rows.toLocaleString('en-US')} rows
          </span>
        )}
        {summary.columns && <span className="output-meta">{summary.columns.length} columns</span>}
        <span className="output-meta">{formatBytes(summary.bytes)}</span>
      </div>
      {summary.kind !== 'model' && !finished && <p className="hint">Available when the run finishes.</p>}
      {loaded?.state === 'loading' && <p className="hint">Loading…</p>}
      {loaded?.state === 'error' && <p className="field-error">{loaded.message}</p>}
      {loaded?.state === 'evicted' && (
        <p className="hint" data-testid={`output-evicted-${nodeId}-${summary.port}`}>
          This output was evicted from the cache; run again to see it
        </p>
      )}
      {loaded?.state === 'loaded' && summary.kind === 'report' && <ReportView report={loaded.data.report} />}
      {summary.kind === 'table' && sample === null && (
        <p className="hint" data-testid={`output-not-sampled-${nodeId}-${summary.port}`}>
          The rows of this table were not exported with this bundle.
        </p>
      )}
      {summary.kind === 'table' && sample !== undefined && sample !== null && (
        <p className="hint" data-testid={`output-sample-${nodeId}-${summary.port}`}>
          The bundle carries the first {sample.toLocaleString('en-US')} of {(summary.rows ?? sample).toLocaleString('en-US')} rows.
        </p>
      )}
      {summary.kind === 'table' && finished && summary.columns && sample !== null && (
        <TableView hash={summary.hash} totalRows={sample ?? summary.rows ?? 0} columns={summary.columns} />
      )}
    </div>
  );
}

function ReportView({ report }: { report: unknown }) {
  const profile = readProfile(report);
  if (profile) return <ProfileView profile={profile} />;
  return <pre className="json">{JSON.stringify(report, null, 2)}</pre>;
}
