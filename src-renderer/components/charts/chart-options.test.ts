import { describe, expect, it } from 'vitest';
import { API } from '../../../src-shared/api/contract.js';
import type { LineageGraphData } from '../../../src-shared/api/charts-contract.js';
import { curvesOption, driftDistributionOption, layeredLayout, lineageGraphOption, metricBarOption, parallelOption, type RunCharts } from './chart-options.js';
import { sortDriftColumns } from './drift-table.js';
import { buildExperimentTable } from './experiments.js';
import recorded from './fixtures/breast-cancer-runs.json' with { type: 'json' };
import { driftReportHtml, evaluationReportHtml } from './report-html.js';
import { paramDiff } from './experiments.js';

/** Two real runs of breast_cancer and the drift report of its split halves, as the host answered. */
const experiments = API['charts.experiments'].response.parse(recorded.experiments);
const runs: RunCharts[] = recorded.charts.map((c) => ({ runId: c.runId, data: API['charts.run'].response.parse(c) }));
const drift = API['charts.drift'].response.parse(recorded.drift);
const table = buildExperimentTable(experiments);
const ids = experiments.runIds;
const metric = (key: string) => experiments.metrics.find((m) => m.key === key)!.values;
const C = experiments.params.find((p) => p.key === 'model.C')!;

type Series = { type: string; name: string; data: unknown[] };

describe('comparison charts', () => {
  it('draws one bar per run with its metric value', () => {
    const o = metricBarOption(table, ids, 'evaluate.accuracy') as { series: { data: { value: number }[] }[]; xAxis: { data: string[] } };
    expect(o.series[0].data.map((d) => d.value)).toEqual(metric('evaluate.accuracy'));
    expect(o.xAxis.data).toEqual(ids.map((id) => id.slice(-8)));
  });

  it('puts only the params that differ on parallel axes, ending with the metric', () => {
    const o = parallelOption(table, ids, 'evaluate.roc_auc') as { parallelAxis: { name: string }[]; series: Series[] };
    expect(o.parallelAxis.map((a) => a.name)).toEqual(['model.C', 'evaluate.roc_auc']);
    expect(o.series.map((s) => s.data[0])).toEqual(ids.map((_, i) => ['values' in C ? C.values[i] : null, metric('evaluate.roc_auc')[i]]));
  });

  it("overlays each run's ROC curve (fpr, tpr) with the chance diagonal", () => {
    const o = curvesOption(runs, 'roc') as { series: Series[] };
    expect(o.series.map((s) => s.name)).toEqual([...runs.map((r) => r.runId.slice(-8)), 'chance']);
    const roc = runs[0].data.evaluations[0].roc!;
    expect(o.series[0].data).toEqual(roc.fpr.map((x, i) => [x, roc.tpr[i]]));
    const pr = curvesOption(runs, 'pr') as { series: Series[] };
    expect(pr.series).toHaveLength(2);
  });

  it("draws a drift column's distributions as shares of each table", () => {
    const col = drift.report.columns.find((c) => c.name === 'mean_radius')!;
    const o = driftDistributionOption(col) as { series: { data: number[] }[]; xAxis: { data: string[] } };
    expect(o.xAxis.data).toHaveLength(col.histogram!.reference.length);
    for (const s of o.series) expect(s.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const cat = driftDistributionOption(drift.report.columns.find((c) => c.name === 'diagnosis')!) as { xAxis: { data: string[] } };
    expect(cat.xAxis.data.sort()).toEqual(['benign', 'malignant']);
  });

  it('sorts drift columns by margin to their threshold, nearest to drifting first', () => {
    const sorted = sortDriftColumns(drift.report.columns, 'score', 'asc');
    const ks = sorted.filter((c) => c.method === 'ks');
    // For p-values the margin is p - threshold: ascending p-values among the KS columns.
    expect(ks.map((c) => c.score)).toEqual([...ks.map((c) => c.score!)].sort((a, b) => a - b));
    expect(sortDriftColumns(drift.report.columns, 'name', 'desc')[0].name).toBe('worst_texture');
  });
});

describe('the lineage graph', () => {
  const graph: LineageGraphData = {
    subject: 'model:m',
    items: [
      { id: 'artifact:f', kind: 'file', label: 'data.csv', details: [['path', '/d/data.csv']], subject: 'f' },
      { id: 'run:r', kind: 'run', label: 'run r', details: [], subject: 'r' },
      { id: 'step:1', kind: 'step', label: 'ingest', details: [] },
      { id: 'artifact:t', kind: 'table', label: 'table t', details: [], subject: 't' },
      { id: 'step:2', kind: 'step', label: 'train', details: [] },
      { id: 'artifact:m', kind: 'model', label: 'model m', details: [], subject: 'm' },
      { id: 'model:m:1', kind: 'modelVersion', label: 'm v1', details: [], subject: 'model:m:1', root: true },
    ],
    links: [
      { from: 'artifact:f', to: 'step:1' },
      { from: 'run:r', to: 'step:1' },
      { from: 'step:1', to: 'artifact:t' },
      { from: 'artifact:t', to: 'step:2' },
      { from: 'run:r', to: 'step:2' },
      { from: 'step:2', to: 'artifact:m' },
      { from: 'artifact:m', to: 'model:m:1' },
    ],
    truncated: false,
  };

  it('lays items out in columns by longest path from the sources', () => {
    const pos = layeredLayout(graph);
    const col = (id: string) => pos.get(id)!.x / 160;
    const row = (id: string) => pos.get(id)!.y / 110;
    expect(['artifact:f', 'run:r', 'step:1', 'artifact:t', 'step:2', 'artifact:m', 'model:m:1'].map(col)).toEqual([0, 0, 1, 2, 3, 4, 5]);
    expect(row('run:r')).toBe(1);
  });

  it('marks the subject and the selected item, and keeps ids for click-through', () => {
    const o = lineageGraphOption(graph, 'artifact:f') as { series: { data: { id: string; itemStyle: { borderWidth: number } }[]; links: unknown[] }[] };
    const data = o.series[0].data;
    expect(data.map((d) => d.id)).toEqual(graph.items.map((i) => i.id));
    expect(data.find((d) => d.id === 'artifact:f')!.itemStyle.borderWidth).toBe(3);
    expect(data.find((d) => d.id === 'step:1')!.itemStyle.borderWidth).toBe(1);
    expect(o.series[0].links).toHaveLength(7);
  });
});

describe('standalone HTML reports', () => {
  it('writes a drift report that opens offline: inline SVG per column, no script or link, well under 1 MB', () => {
    const html = driftReportHtml({ runId: drift.runId, nodeId: drift.nodeId, pipelineName: 'Breast <cancer>', report: drift.report, at: Date.UTC(2026, 0, 1) });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
    expect(html).toContain('Breast &lt;cancer&gt;');
    expect(html).toContain('No dataset drift');
    const charted = drift.report.columns.filter((c) => c.histogram || c.categories).length;
    expect(html.match(/<svg/g)).toHaveLength(charted);
    expect(charted).toBe(31);
    for (const c of drift.report.columns) expect(html).toContain(`<th scope="row">${c.name}</th>`);
    expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
  });

  it('writes an evaluation report with the metrics, curves, confusion matrices and params of the runs', () => {
    const html = evaluationReportHtml({ table, runIds: ids, metric: 'evaluate.accuracy', runs, diff: paramDiff(table, ids) });
    expect(html).not.toMatch(/<script|<link/i);
    // Bars, parallel coordinates, ROC, PR.
    expect(html.match(/<svg/g)).toHaveLength(4);
    const cm = runs[0].data.evaluations[0].confusionMatrix!;
    expect(html).toContain(`<tr><th scope="row">benign</th><td class="n">${cm[0][0]}</td><td class="n">${cm[0][1]}</td></tr>`);
    expect(html).toContain('<tr class="differs"><th scope="row">model.C</th>');
  });
});
