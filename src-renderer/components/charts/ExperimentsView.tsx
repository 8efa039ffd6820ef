import { useEffect, useMemo } from 'react';
import { useActions, useApp, useCharts } from '../../app/context.js';
import type { ExperimentTable } from './experiments.js';
import { columnVisible, createVisibleRowsSelector, filterProblems, metricKeys, paramDiff, parseFilter, runLabel } from './experiments.js';
import { ExperimentsTable } from './ExperimentsTable.js';
import { ComparePanel } from './ComparePanel.js';

export function ExperimentsView() {
  const charts = useCharts();
  const experiments = useApp((s) => s.charts.experiments);
  const allPipelines = useApp((s) => s.charts.allPipelines);
  const pipelineId = useApp((s) => s.document.id);

  useEffect(() => {
    void charts.ensureExperiments();
  }, [charts, pipelineId]);

  return (
    <div className="experiments" data-testid="experiments-view">
      <div className="charts-toolbar">
        <label className="check">
          <input type="checkbox" checked={allPipelines} onChange={(e) => void charts.setAllPipelines(e.target.checked)} data-testid="experiments-all" />
          All pipelines
        </label>
        <button type="button" className="button" onClick={() => void charts.loadExperiments()} data-testid="experiments-refresh">
          Refresh
        </button>
      </div>
      {experiments === null || experiments.state === 'loading' ? (
        <p className="hint">Loading runs…</p>
      ) : experiments.state === 'error' ? (
        <p className="error" role="alert">
          {experiments.message}
        </p>
      ) : experiments.data.runIds.length === 0 ? (
        <p className="hint" data-testid="experiments-empty">
          No runs recorded {allPipelines ? 'yet' : 'for this pipeline yet'}: run it, and each run shows up here with its params and metrics.
        </p>
      ) : (
        <LoadedExperiments table={experiments.data} />
      )}
    </div>
  );
}

function LoadedExperiments({ table }: { table: ExperimentTable }) {
  const { setChartsFilter, cycleChartsSort, toggleChartsColumn, toggleChartsRun, setChartsSelection } = useActions();
  const filter = useApp((s) => s.charts.filter);
  const sort = useApp((s) => s.charts.sort);
  const toggled = useApp((s) => s.charts.toggledColumns);
  const selectedRuns = useApp((s) => s.charts.selectedRuns);
  const complete = useApp((s) => s.charts.experimentsComplete);
  const visibleRows = useMemo(createVisibleRowsSelector, []);
  const order = visibleRows(table, filter, sort);
  const problems = useMemo(() => filterProblems(table, parseFilter(filter)), [table, filter]);
  const columns = useMemo(() => table.columns.filter((c) => columnVisible(c, toggled)), [table, toggled]);
  const selected = useMemo(() => new Set(selectedRuns), [selectedRuns]);
  const diff = useMemo(() => paramDiff(table, selectedRuns), [table, selectedRuns]);

  return (
    <>
      <div className="charts-toolbar">
        <input
          className="exp-filter"
          type="search"
          value={filter}
          placeholder="Filter: words, or accuracy>0.9 model.C<=1 status=failed"
          aria-label="Filter runs"
          data-testid="experiments-filter"
          onChange={(e) => setChartsFilter(e.target.value)}
        />
        <details className="column-chooser">
          <summary data-testid="column-chooser">Columns</summary>
          <div className="column-list">
            {table.columns.map((c) => (
              <label key={c.key} className="check">
                <input type="checkbox" checked={columnVisible(c, toggled)} onChange={() => toggleChartsColumn(c.key)} data-testid={`column-toggle-${c.key}`} />
                <span className={`group ${c.group}`}>{c.group}</span> {c.key}
                {c.constant ? <span className="group"> (same in every run)</span> : null}
              </label>
            ))}
          </div>
        </details>
      </div>
      {problems.length > 0 && <p className="hint error">{problems.join('; ')}</p>}
      <p className="hint" data-testid="experiments-count">
        {order.length === table.runIds.length ? `${table.runIds.length} runs` : `${order.length} of ${table.runIds.length} runs`}
        {complete ? '' : ' (the newest; reading the rest…)'}
        {selectedRuns.length > 0 ? `, ${selectedRuns.length} selected` : ''}
        {' · '}
        <button type="button" className="link" onClick={() => setChartsSelection(Array.from(order.slice(0, 10), (i) => table.runIds[i]))} data-testid="select-top">
          select the first 10
        </button>
        {selectedRuns.length > 0 && (
          <>
            {' · '}
            <button type="button" className="link" onClick={() => setChartsSelection([])}>
              clear
            </button>
          </>
        )}
      </p>
      <ExperimentsTable table={table} order={order} columns={columns} sort={sort} selected={selected} onSort={cycleChartsSort} onToggle={toggleChartsRun} />
      {selectedRuns.length > 0 ? (
        <ComparePanel table={table} runIds={selectedRuns} metrics={metricKeys(table)} diff={diff} />
      ) : (
        <p className="hint">Tick runs to compare their metrics, curves and params{selected.size === 0 ? '' : ` (${[...selected].map(runLabel).join(', ')})`}.</p>
      )}
    </>
  );
}
