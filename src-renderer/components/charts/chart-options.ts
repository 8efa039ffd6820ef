import type { DriftColumnData, LineageGraphData, LineageItemKind, RunChartData } from '../../../src-shared/api/charts-contract.js';
import { cellText, runLabel, type ExperimentTable } from './experiments.js';

/**
 * ECharts options of the charts panel, as plain data: unit-tested in node (ECharts' renderers
 * need a browser) and used both by the live charts and by the standalone HTML reports.
 */
export type ChartOption = Record<string, unknown>;

const PALETTE = ['#2f6fde', '#e8684a', '#33a02c', '#9467bd', '#ff9f1c', '#17becf', '#d62728', '#8c564b', '#e377c2', '#7f7f7f'];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length];

const fmt = (v: number): string => (Math.abs(v) >= 1000 || v === Math.trunc(v) ? String(Math.round(v * 1000) / 1000) : v.toPrecision(4));

/** One bar per selected run: its value of `metric` (missing values are left out, not drawn as 0). */
export function metricBarOption(table: ExperimentTable, runIds: readonly string[], metric: string): ChartOption {
  const col = table.byKey.get(metric);
  const index = table.index;
  const bars = runIds.flatMap((id) => {
    const i = index.get(id);
    if (i === undefined || !col || col.type !== 'number') return [];
    const v = (col.values as Float64Array)[i];
    return Number.isNaN(v) ? [] : [{ id, v }];
  });
  return {
    animation: false,
    title: { text: metric, left: 'center', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 16, top: 32, bottom: 40 },
    xAxis: { type: 'category', data: bars.map((b) => runLabel(b.id)), axisLabel: { interval: 0, rotate: bars.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', scale: true },
    series: [
      {
        type: 'bar',
        name: metric,
        data: bars.map((b, k) => ({ value: b.v, itemStyle: { color: colorOf(k) } })),
        label: { show: true, position: 'top', formatter: (p: { value: number }) => fmt(p.value) },
      },
    ],
  };
}

/**
 * Parallel coordinates: one axis per param that differs among the selected runs (numeric axes
 * for numbers, category axes otherwise), ending with the metric; one line per run.
 */
export function parallelOption(table: ExperimentTable, runIds: readonly string[], metric: string): ChartOption {
  const index = table.index;
  const rows = runIds.map((id) => index.get(id)).filter((i): i is number => i !== undefined);
  const params = table.columns.filter((c) => {
    if (c.group !== 'param') return false;
    const seen = new Set(rows.map((i) => (c.type === 'number' ? (c.values as Float64Array)[i] : (c.values as readonly string[])[i])));
    return seen.size > 1;
  });
  const axes = [...params, ...(table.byKey.get(metric) ? [table.byKey.get(metric)!] : [])];
  const value = (c: (typeof axes)[number], i: number): number | string | null => {
    if (c.type === 'number') {
      const v = (c.values as Float64Array)[i];
      return Number.isNaN(v) ? null : v;
    }
    return (c.values as readonly string[])[i] || '(none)';
  };
  return {
    animation: false,
    tooltip: {},
    parallel: { left: 48, right: 72, top: 40, bottom: 24 },
    parallelAxis: axes.map((c, dim) =>
      c.type === 'number'
        ? { dim, name: c.key, type: 'value', scale: true }
        : { dim, name: c.key, type: 'category', data: [...new Set(rows.map((i) => value(c, i)))].map(String) },
    ),
    series: rows.map((i, k) => ({
      type: 'parallel',
      name: runLabel(table.runIds[i]),
      lineStyle: { width: 2, color: colorOf(k) },
      data: [axes.map((c) => value(c, i))],
    })),
  };
}

export interface RunCharts {
  readonly runId: string;
  readonly data: RunChartData;
}

/** ROC or precision-recall curves of every selected run's evaluation nodes, overlaid. */
export function curvesOption(runs: readonly RunCharts[], kind: 'roc' | 'pr'): ChartOption {
  const series = runs.flatMap((r, k) =>
    r.data.evaluations.flatMap((e) => {
      const pts = kind === 'roc' ? (e.roc ? e.roc.fpr.map((x, i) => [x, e.roc!.tpr[i]]) : null) : e.pr ? e.pr.recall.map((x, i) => [x, e.pr!.precision[i]]) : null;
      if (!pts) return [];
      const name = r.data.evaluations.length > 1 ? `${runLabel(r.runId)} ${e.nodeId}` : runLabel(r.runId);
      return [{ type: 'line', name, data: pts, showSymbol: false, step: kind === 'pr' ? 'end' : undefined, lineStyle: { width: 2, color: colorOf(k) }, itemStyle: { color: colorOf(k) } }];
    }),
  );
  const diagonal = kind === 'roc' ? [{ type: 'line', name: 'chance', data: [[0, 0], [1, 1]], showSymbol: false, silent: true, lineStyle: { type: 'dashed', color: '#999', width: 1 } }] : [];
  return {
    animation: false,
    title: { text: kind === 'roc' ? 'ROC' : 'Precision-recall', left: 'center', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 48, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'value', min: 0, max: 1, name: kind === 'roc' ? 'false positive rate' : 'recall', nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', min: 0, max: 1, name: kind === 'roc' ? 'true positive rate' : 'precision' },
    series: [...series, ...diagonal],
  };
}

/** Training and cross-validation curves: metric series by step, and each tuning's mean score per candidate. */
export function trainingCurvesOption(runs: readonly RunCharts[]): ChartOption | null {
  const series: ChartOption[] = [];
  runs.forEach((r, k) => {
    for (const s of r.data.series) {
      series.push({ type: 'line', name: `${runLabel(r.runId)} ${s.nodeId}.${s.name}`, data: s.points.map((p) => [p.step, p.value]), showSymbol: false, lineStyle: { color: colorOf(k) } });
    }
    for (const t of r.data.tunings) {
      series.push({
        type: 'line',
        name: `${runLabel(r.runId)} ${t.nodeId} cv ${t.metric}`,
        data: t.candidates.map((c, i) => [i + 1, c.mean]),
        lineStyle: { color: colorOf(k) },
        itemStyle: { color: colorOf(k) },
      });
    }
  });
  if (series.length === 0) return null;
  return {
    animation: false,
    title: { text: 'Training / CV curves', left: 'center', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 48, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'value', name: 'step / candidate', nameLocation: 'middle', nameGap: 24, minInterval: 1 },
    yAxis: { type: 'value', scale: true },
    series,
  };
}

/**
 * A drift column's distributions: histogram bins (numbers) or the top categories with the rest
 * as "other", as each table's share so tables of different sizes compare.
 */
export function driftDistributionOption(column: DriftColumnData): ChartOption {
  let labels: string[];
  let ref: readonly number[];
  let cur: readonly number[];
  if (column.histogram) {
    const e = column.histogram.edges;
    labels = column.histogram.reference.map((_, i) => `${fmt(e[i])}–${fmt(e[i + 1])}`);
    ref = column.histogram.reference;
    cur = column.histogram.current;
  } else if (column.categories) {
    const c = column.categories;
    labels = c.values.map((v) => cellText(v));
    ref = c.reference;
    cur = c.current;
    if (c.other.categories > 0) {
      labels = [...labels, `other (${c.other.categories})`];
      ref = [...ref, c.other.reference];
      cur = [...cur, c.other.current];
    }
  } else {
    labels = [];
    ref = [];
    cur = [];
  }
  const share = (xs: readonly number[]) => {
    const total = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => (total > 0 ? x / total : 0));
  };
  return {
    animation: false,
    title: { text: `${column.name}: ${column.method}`, left: 'center', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${(v * 100).toFixed(1)}%` },
    legend: { bottom: 0, data: ['reference', 'current'] },
    grid: { left: 48, right: 16, top: 32, bottom: 64 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.length > 6 ? 40 : 0, fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [
      { type: 'bar', name: 'reference', data: share(ref), barGap: column.histogram ? '0%' : '10%', itemStyle: { color: '#8aa9e8' } },
      { type: 'bar', name: 'current', data: share(cur), itemStyle: { color: '#e8684a', opacity: 0.8 } },
    ],
  };
}

const KIND_COLORS: Readonly<Record<LineageItemKind, string>> = {
  run: '#7f7f7f',
  step: '#2f6fde',
  table: '#33a02c',
  model: '#9467bd',
  report: '#ff9f1c',
  file: '#8c564b',
  modelVersion: '#d62728',
};
const KIND_SYMBOLS: Readonly<Record<LineageItemKind, string>> = {
  run: 'roundRect',
  step: 'rect',
  table: 'circle',
  model: 'diamond',
  report: 'triangle',
  file: 'pin',
  modelVersion: 'diamond',
};

/**
 * Columns by longest path from the sources (files and runs first, the subject's products last),
 * rows in order of appearance: a drawing that reads left to right and never moves between renders.
 */
const LAYER_WIDTH = 160;
/** Taller than wide: the chart is fitted to its box, and labels sit under their symbols. */
const ROW_HEIGHT = 110;

export function layeredLayout(graph: LineageGraphData): Map<string, { x: number; y: number }> {
  const parents = new Map<string, string[]>();
  for (const l of graph.links) parents.set(l.to, [...(parents.get(l.to) ?? []), l.from]);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle cannot happen in lineage; guard anyway
    visiting.add(id);
    const d = Math.max(-1, ...(parents.get(id) ?? []).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const rowsUsed = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const item of graph.items) {
    const d = depthOf(item.id);
    const row = rowsUsed.get(d) ?? 0;
    rowsUsed.set(d, row + 1);
    out.set(item.id, { x: d * LAYER_WIDTH, y: row * ROW_HEIGHT });
  }
  return out;
}

export function lineageGraphOption(graph: LineageGraphData, selected: string | null): ChartOption {
  const pos = layeredLayout(graph);
  return {
    animation: false,
    tooltip: { formatter: (p: { data?: { kindLabel?: string; name?: string } }) => (p.data?.kindLabel ? `${p.data.kindLabel}: ${p.data.name ?? ''}` : '') },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        label: { show: true, position: 'bottom', fontSize: 10, width: 140, overflow: 'truncate' },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        lineStyle: { color: '#9aa4b2', width: 1, curveness: 0.1 },
        data: graph.items.map((item) => ({
          id: item.id,
          name: item.label,
          kindLabel: item.kind,
          x: pos.get(item.id)!.x,
          y: pos.get(item.id)!.y,
          symbol: KIND_SYMBOLS[item.kind],
          symbolSize: item.root ? 22 : 14,
          itemStyle: {
            color: KIND_COLORS[item.kind],
            borderColor: item.id === selected ? '#000' : item.root ? '#ffd400' : '#fff',
            borderWidth: item.id === selected || item.root ? 3 : 1,
          },
        })),
        links: graph.links.map((l) => ({ source: l.from, target: l.to })),
      },
    ],
  };
}
