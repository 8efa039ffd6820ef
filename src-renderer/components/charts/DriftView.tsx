import { useEffect, useMemo } from 'react';
import type { DriftReportData } from '../../../src-shared/api/charts-contract.js';
import { useActions, useApp, useCharts } from '../../app/context.js';
import type { DriftSortKey } from '../../state/charts-slice.js';
import { driftDistributionOption } from './chart-options.js';
import { downloadBlob } from './download.js';
import { sortDriftColumns } from './drift-table.js';
import { EChart } from './EChart.js';
import { runLabel } from './experiments.js';
import { driftReportHtml } from './report-html.js';

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(4)).toString());

export function DriftView() {
  const charts = useCharts();
  const reports = useApp((s) => s.charts.driftReports);
  const drift = useApp((s) => s.charts.drift);
  const pipelineId = useApp((s) => s.document.id);

  useEffect(() => {
    void charts.loadDriftReports();
  }, [charts, pipelineId]);

  // The newest report opens by itself, so the view is never an empty picker.
  useEffect(() => {
    if (reports?.state === 'loaded' && reports.data.length > 0 && drift === null) void charts.openDrift(reports.data[0].runId, reports.data[0].nodeId);
  }, [charts, reports, drift]);

  return (
    <div className="drift" data-testid="drift-view">
      <div className="charts-toolbar">
        {reports?.state === 'loaded' && reports.data.length > 0 && (
          <label>
            Report{' '}
            <select
              data-testid="drift-picker"
              value={drift ? `${drift.runId}/${drift.nodeId}` : ''}
              onChange={(e) => {
                const [runId, nodeId] = e.target.value.split('/');
                void charts.openDrift(runId, nodeId);
              }}
            >
              {reports.data.map((r) => (
                <option key={`${r.runId}/${r.nodeId}`} value={`${r.runId}/${r.nodeId}`}>
                  {new Date(r.startedAt).toLocaleString()} · {r.nodeId} · run {runLabel(r.runId)}
                  {r.datasetDrift === true ? ' · drift' : r.datasetDrift === false ? ' · no drift' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="button" onClick={() => void charts.loadDriftReports()}>
          Refresh
        </button>
      </div>
      {reports === null || reports.state === 'loading' ? (
        <p className="hint">Looking for drift reports…</p>
      ) : reports.state === 'error' ? (
        <p className="error" role="alert">
          {reports.message}
        </p>
      ) : reports.data.length === 0 ? (
        <p className="hint" data-testid="drift-empty">
          No drift report in this pipeline's recent runs: add a Drift report node (monitor.drift), connect a reference and a current table, and run it.
        </p>
      ) : drift === null || drift.report.state === 'loading' ? (
        <p className="hint">Loading the report…</p>
      ) : drift.report.state === 'error' ? (
        <p className="error" role="alert">
          {drift.report.message}
        </p>
      ) : (
        <DriftReportView runId={drift.runId} nodeId={drift.nodeId} report={drift.report.data} />
      )}
    </div>
  );
}

const HEADERS: readonly { key: DriftSortKey; label: string }[] = [
  { key: 'name', label: 'column' },
  { key: 'method', label: 'method' },
  { key: 'score', label: 'p-value / distance' },
  { key: 'threshold', label: 'threshold' },
  { key: 'drifted', label: 'verdict' },
];

function DriftReportView({ runId, nodeId, report }: { runId: string; nodeId: string; report: DriftReportData }) {
  const { sortDrift, setDriftColumn } = useActions();
  const sort = useApp((s) => s.charts.driftSort);
  const selected = useApp((s) => s.charts.driftColumn);
  const pipelineName = useApp((s) => s.document.name);
  const columns = useMemo(() => sortDriftColumns(report.columns, sort.key, sort.dir), [report, sort]);
  const column = report.columns.find((c) => c.name === selected) ?? null;
  const option = useMemo(() => (column ? driftDistributionOption(column) : null), [column]);

  const exportHtml = () => {
    const html = driftReportHtml({ runId, nodeId, pipelineName, report, at: Date.now() });
    downloadBlob(new Blob([html], { type: 'text/html' }), `drift-${nodeId}-${runLabel(runId)}.html`);
  };

  return (
    <>
      <div className={report.datasetDrift ? 'drift-summary drifted' : 'drift-summary'} data-testid="drift-summary">
        <strong>{report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}</strong>: {report.driftedColumns} of {report.columns.length} columns drifted (share{' '}
        {num(report.share)}, drift at {num(report.driftShare)}). Reference {report.rows.reference} rows, current {report.rows.current}.
        <button type="button" className="button" onClick={exportHtml} data-testid="export-drift">
          Export report (HTML)
        </button>
      </div>
      {report.skipped.length > 0 && <p className="hint">Skipped: {report.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}</p>}
      <div className="drift-table-wrap">
        <table className="drift-table" data-testid="drift-table">
          <thead>
            <tr>
              {HEADERS.map((h) => (
                <th key={h.key} scope="col" aria-sort={sort.key === h.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="link" onClick={() => sortDrift(h.key)} data-testid={`drift-sort-${h.key}`}>
                    {h.label}
                    {sort.key === h.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">statistic</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.name} className={c.name === selected ? 'selected' : undefined} data-testid="drift-row" data-column={c.name}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => setDriftColumn(c.name)}>
                    {c.name}
                  </button>
                </th>
                <td>{c.method}</td>
                <td className="num">{num(c.score)}</td>
                <td className="num">{num(c.threshold)}</td>
                <td>{c.drifted ? <span className="verdict drifted">drift</span> : <span className="verdict ok">ok</span>}</td>
                <td className="num">{num(c.statistic)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {column && option ? (
        <EChart option={option} testId="drift-distribution" label={`${column.name}: reference and current distributions`} fileName={`drift-${column.name}`} height={260} />
      ) : (
        <p className="hint">Click a column to see its reference and current distributions.</p>
      )}
    </>
  );
}
