import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EvaluationChartData } from '../../../src-shared/api/charts-contract.js';
import { useActions, useApp, useCharts } from '../../app/context.js';
import { curvesOption, metricBarOption, parallelOption, trainingCurvesOption, type RunCharts } from './chart-options.js';
import { EChart } from './EChart.js';
import { runLabel, type ExperimentTable, type ParamDiffRow } from './experiments.js';
import { evaluationReportHtml } from './report-html.js';
import { downloadBlob } from './download.js';

interface Props {
  readonly table: ExperimentTable;
  readonly runIds: readonly string[];
  readonly metrics: readonly string[];
  readonly diff: readonly ParamDiffRow[];
}

/** The selected runs side by side: metric bars, parallel coordinates, curves, confusion matrices, param diff. */
export function ComparePanel({ table, runIds, metrics, diff }: Props) {
  const charts = useCharts();
  const { setChartsCompareMetric } = useActions();
  const chosen = useApp((s) => s.charts.compareMetric);
  const metric = chosen !== null && metrics.includes(chosen) ? chosen : (metrics.find((m) => /accuracy|r2|auc/.test(m)) ?? metrics[0] ?? '');
  const runCharts = useApp(useShallow((s) => runIds.map((id) => s.charts.runCharts[id])));

  useEffect(() => {
    void charts.loadSelectedRunCharts();
  }, [charts, runIds]);

  const barOption = useMemo(() => metricBarOption(table, runIds, metric), [table, runIds, metric]);
  const parallel = useMemo(() => parallelOption(table, runIds, metric), [table, runIds, metric]);
  const loaded: RunCharts[] = useMemo(
    () => runIds.flatMap((runId, k) => (runCharts[k]?.state === 'loaded' ? [{ runId, data: runCharts[k].data }] : [])),
    [runIds, runCharts],
  );
  const hasRoc = loaded.some((r) => r.data.evaluations.some((e) => e.roc));
  const roc = useMemo(() => (hasRoc ? curvesOption(loaded, 'roc') : null), [loaded, hasRoc]);
  const pr = useMemo(() => (hasRoc ? curvesOption(loaded, 'pr') : null), [loaded, hasRoc]);
  const training = useMemo(() => trainingCurvesOption(loaded), [loaded]);
  const problems = runCharts.flatMap((c, k) => (c?.state === 'error' ? [`run ${runLabel(runIds[k])}: ${c.message}`] : c?.state === 'loaded' ? c.data.missing : []));
  const evaluations = loaded.flatMap((r) => r.data.evaluations.map((e) => ({ runId: r.runId, e })));

  const exportEvaluation = () => {
    const html = evaluationReportHtml({ table, runIds, metric, runs: loaded, diff });
    downloadBlob(new Blob([html], { type: 'text/html' }), `evaluation-${runIds.map(runLabel).join('-')}.html`);
  };

  return (
    <section className="compare" aria-label="Compare runs" data-testid="compare">
      <div className="charts-toolbar">
        <label>
          Metric{' '}
          <select value={metric} onChange={(e) => setChartsCompareMetric(e.target.value)} data-testid="compare-metric">
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" onClick={exportEvaluation} data-testid="export-evaluation" disabled={loaded.length === 0}>
          Export report (HTML)
        </button>
        {runIds.length === 1 && (
          <button type="button" className="button" onClick={() => void charts.openLineage(runIds[0])} data-testid="run-lineage">
            Lineage
          </button>
        )}
      </div>
      {problems.map((p) => (
        <p key={p} className="hint error">
          {p}
        </p>
      ))}
      {metric !== '' && <EChart option={barOption} testId="metric-bars" label={`${metric} of ${runIds.length} runs`} fileName={`bars-${metric}`} />}
      <EChart option={parallel} testId="parallel" label={`Parallel coordinates: params to ${metric}`} fileName="parallel" height={260} />
      {roc && <EChart option={roc} testId="roc" label="ROC curves" fileName="roc" height={280} />}
      {pr && <EChart option={pr} testId="pr" label="Precision-recall curves" fileName="precision-recall" height={280} />}
      {evaluations.some(({ e }) => e.confusionMatrix) && (
        <div className="confusions" data-testid="confusion-matrices">
          {evaluations.map(({ runId, e }) => e.confusionMatrix && <ConfusionMatrix key={`${runId}/${e.nodeId}`} runId={runId} e={e} />)}
        </div>
      )}
      {training && <EChart option={training} testId="training-curves" label="Training and cross-validation curves" fileName="training-curves" />}
      <ParamDiffTable runIds={runIds} diff={diff} />
    </section>
  );
}

export function ConfusionMatrix({ runId, e }: { runId: string; e: EvaluationChartData }) {
  const m = e.confusionMatrix ?? [];
  const classes = e.classes ?? m.map((_, i) => String(i));
  const max = Math.max(1, ...m.flat());
  return (
    <table className="confusion" aria-label={`Confusion matrix of run ${runId}`}>
      <caption>
        {runLabel(runId)} {e.nodeId}
      </caption>
      <thead>
        <tr>
          <th scope="col">true \ predicted</th>
          {classes.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {m.map((row, i) => (
          <tr key={classes[i]}>
            <th scope="row">{classes[i]}</th>
            {row.map((v, j) => (
              <td key={j} style={{ background: `rgb(47 111 222 / ${Math.round((v / max) * 70)}%)` }}>
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ParamDiffTable({ runIds, diff }: { runIds: readonly string[]; diff: readonly ParamDiffRow[] }) {
  const differing = diff.filter((d) => d.differs);
  return (
    <table className="param-diff" data-testid="param-diff">
      <caption>Params ({differing.length} differ)</caption>
      <thead>
        <tr>
          <th scope="col">param</th>
          {runIds.map((id) => (
            <th key={id} scope="col" title={id}>
              {runLabel(id)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.key} className={d.differs ? 'differs' : undefined}>
            <th scope="row">{d.key}</th>
            {d.values.map((v, k) => (
              <td key={k}>{v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
