import { BarChart, LineChart, ParallelChart } from 'echarts/charts';
import { GridComponent, LegendComponent, ParallelComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { DriftReportData } from '../../../src-shared/api/charts-contract.js';
import { curvesOption, driftDistributionOption, metricBarOption, parallelOption, trainingCurvesOption, type ChartOption, type RunCharts } from './chart-options.js';
import { runLabel, type ExperimentTable, type ParamDiffRow } from './experiments.js';

/**
 * Standalone HTML reports: the charts drawn once by ECharts' server-side SVG renderer and inlined,
 * the tables as HTML, the styles inline. No script, no link, no font: the file opens offline, in
 * any browser, years from now, and stays small (statistics and bins, never rows).
 */
echarts.use([BarChart, LineChart, ParallelChart, GridComponent, LegendComponent, ParallelComponent, TitleComponent, SVGRenderer]);

export function chartSvg(option: ChartOption, width = 640, height = 280): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // Tooltips are interactive: a static picture leaves them out.
    const { tooltip: _interactive, ...still } = option;
    chart.setOption({ ...still, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString());

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2430;margin:24px auto;max-width:960px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 4px}
.meta{color:#6b7280;margin:0 0 16px}.verdict{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600}
.drift{background:#fdecec;color:#c62828}.ok{background:#e7f6ec;color:#15803d}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #dde1e7;padding:3px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.differs th{color:#2563eb}
figure{margin:8px 0;break-inside:avoid}figure svg{max-width:100%;height:auto}
.grid{display:flex;flex-wrap:wrap;gap:16px}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="Plumb"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

const figure = (svg: string, caption: string) => `<figure role="img" aria-label="${escapeHtml(caption)}">${svg}</figure>`;

export interface DriftReportSource {
  readonly runId: string;
  readonly nodeId: string;
  readonly pipelineName: string;
  readonly report: DriftReportData;
  /** When the report was made (epoch ms), shown in the header. */
  readonly at: number;
}

export function driftReportHtml({ runId, nodeId, pipelineName, report, at }: DriftReportSource): string {
  const sections = [
    `<h1>Drift report: ${escapeHtml(pipelineName)}</h1>`,
    `<p class="meta">run ${escapeHtml(runId)} · node ${escapeHtml(nodeId)} · ${escapeHtml(new Date(at).toISOString())}</p>`,
    `<p><span class="verdict ${report.datasetDrift ? 'drift' : 'ok'}">${report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}</span>
     ${report.driftedColumns} of ${report.columns.length} columns drifted (share ${num(report.share, 3)}; drift at ${num(report.driftShare, 3)}).
     Reference ${report.rows.reference} rows, current ${report.rows.current} rows.</p>`,
    driftSectionHtml('Columns', report),
  ];
  if (report.predictions) sections.push(driftSectionHtml('Prediction drift', report.predictions));
  return page(`Drift report: ${pipelineName}`, sections.join('\n'));
}

function driftSectionHtml(title: string, section: Pick<DriftReportData, 'columns' | 'skipped'>): string {
  const rows = section.columns
    .map(
      (c) => `<tr><th scope="row">${escapeHtml(c.name)}</th><td>${escapeHtml(c.type)}</td><td>${escapeHtml(c.method)}</td>
<td class="n">${num(c.statistic)}</td><td class="n">${num(c.score)}</td><td class="n">${num(c.threshold)}</td>
<td>${c.drifted ? '<span class="verdict drift">drift</span>' : '<span class="verdict ok">ok</span>'}</td></tr>`,
    )
    .join('\n');
  const skipped = section.skipped.length
    ? `<p class="meta">Skipped: ${section.skipped.map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.reason)})`).join('; ')}</p>`
    : '';
  const charts = section.columns
    .filter((c) => c.histogram || c.categories)
    .map((c) => `<h3>${escapeHtml(c.name)}</h3>${figure(chartSvg(driftDistributionOption(c), 640, 240), `${c.name}: reference and current distributions`)}`)
    .join('\n');
  return `<h2>${escapeHtml(title)}</h2>
<table><thead><tr><th>column</th><th>type</th><th>method</th><th>statistic</th><th>p-value / distance</th><th>threshold</th><th>verdict</th></tr></thead>
<tbody>${rows}</tbody></table>${skipped}
<h2>${escapeHtml(title)}: distributions</h2>${charts}`;
}

export interface EvaluationReportSource {
  readonly table: ExperimentTable;
  readonly runIds: readonly string[];
  readonly metric: string;
  readonly runs: readonly RunCharts[];
  readonly diff: readonly ParamDiffRow[];
}

/** The comparison of the selected runs: metrics, parallel coordinates, curves, confusion matrices, params. */
export function evaluationReportHtml({ table, runIds, metric, runs, diff }: EvaluationReportSource): string {
  const index = table.index;
  const metricCols = table.columns.filter((c) => c.group === 'metric');
  const metricRows = metricCols
    .map((c) => {
      const cells = runIds.map((id) => {
        const i = index.get(id);
        return `<td class="n">${i === undefined ? '–' : num((c.values as Float64Array)[i])}</td>`;
      });
      return `<tr><th scope="row">${escapeHtml(c.key)}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  const head = `<tr><th></th>${runIds.map((id) => `<th title="${escapeHtml(id)}">${escapeHtml(runLabel(id))}</th>`).join('')}</tr>`;
  const parts = [
    `<h1>Evaluation: ${runIds.length} run${runIds.length === 1 ? '' : 's'}</h1>`,
    `<p class="meta">${runIds.map((id) => escapeHtml(id)).join(', ')} · ${escapeHtml(new Date().toISOString())}</p>`,
    `<h2>Metrics</h2><table><thead>${head}</thead><tbody>${metricRows}</tbody></table>`,
  ];
  if (metric) parts.push(figure(chartSvg(metricBarOption(table, runIds, metric)), `${metric} per run`));
  if (runIds.length > 1) parts.push(figure(chartSvg(parallelOption(table, runIds, metric)), 'parallel coordinates'));
  if (runs.some((r) => r.data.evaluations.some((e) => e.roc))) {
    parts.push(`<h2>Curves</h2><div class="grid">${figure(chartSvg(curvesOption(runs, 'roc'), 460, 320), 'ROC curves')}${figure(chartSvg(curvesOption(runs, 'pr'), 460, 320), 'precision-recall curves')}</div>`);
  }
  const training = trainingCurvesOption(runs);
  if (training) parts.push(figure(chartSvg(training), 'training and cross-validation curves'));
  const confusions = runs.flatMap((r) =>
    r.data.evaluations
      .filter((e) => e.confusionMatrix)
      .map((e) => {
        const classes = e.classes ?? e.confusionMatrix!.map((_, i) => String(i));
        const body = e.confusionMatrix!.map((row, i) => `<tr><th scope="row">${escapeHtml(classes[i])}</th>${row.map((v) => `<td class="n">${v}</td>`).join('')}</tr>`).join('');
        return `<table><caption>${escapeHtml(runLabel(r.runId))} ${escapeHtml(e.nodeId)}</caption><thead><tr><th>true \\ predicted</th>${classes.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
      }),
  );
  if (confusions.length) parts.push(`<h2>Confusion matrices</h2><div class="grid">${confusions.join('')}</div>`);
  const diffRows = diff.map((d) => `<tr${d.differs ? ' class="differs"' : ''}><th scope="row">${escapeHtml(d.key)}</th>${d.values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  parts.push(`<h2>Params</h2><table><thead>${head}</thead><tbody>${diffRows}</tbody></table>`);
  return page(`Evaluation of ${runIds.map(runLabel).join(', ')}`, parts.join('\n'));
}
