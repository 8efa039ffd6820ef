import type { LiveSeries } from '../../state/serving-slice.js';
import { colorOf, type ChartOption } from '../charts/chart-options.js';

/**
 * ECharts options of the serving panel's live charts, as plain data (unit-tested in node): one
 * line per version for request rate and errors, and p50/p95/p99 per version for latency. The
 * x axis is one category per second, labelled with the wall-clock time (a time axis over a few
 * minutes of points picks day-wide ticks until it has enough data).
 */

const clock = (t: number): string => new Date(t).toTimeString().slice(0, 8);

const base = (title: string, live: LiveSeries, integer: boolean): ChartOption => ({
  animation: false,
  title: { text: title, left: 0, textStyle: { fontSize: 12 } },
  tooltip: { trigger: 'axis' },
  legend: { top: 18, right: 0, textStyle: { fontSize: 10 } },
  grid: { left: 44, right: 12, top: 44, bottom: 24 },
  xAxis: { type: 'category', boundaryGap: false, data: live.at.map(clock), axisLabel: { fontSize: 10 } },
  yAxis: { type: 'value', minInterval: integer ? 1 : 0, axisLabel: { fontSize: 10 } },
});

const versionsOf = (live: LiveSeries): string[] => Object.keys(live.versions).sort((a, b) => Number(a) - Number(b));

export function rateOption(live: LiveSeries): ChartOption {
  return {
    ...base('Requests per second', live, true),
    series: versionsOf(live).map((v, i) => ({
      name: `v${v}`,
      type: 'line',
      showSymbol: false,
      color: colorOf(i),
      data: live.at.map((_, k) => live.versions[v].requests[k] ?? 0),
    })),
  };
}

export function errorOption(live: LiveSeries): ChartOption {
  return {
    ...base('Errors per second', live, true),
    series: versionsOf(live).map((v, i) => ({
      name: `v${v}`,
      type: 'line',
      showSymbol: false,
      color: colorOf(i),
      data: live.at.map((_, k) => live.versions[v].errors[k] ?? 0),
    })),
  };
}

export function latencyOption(live: LiveSeries): ChartOption {
  const series = versionsOf(live).flatMap((v, i) =>
    (['p50', 'p95', 'p99'] as const).map((p, j) => ({
      name: `v${v} ${p}`,
      type: 'line',
      // Seconds without requests have no latency: a lone second shows as a dot.
      showSymbol: true,
      symbolSize: 4,
      connectNulls: false,
      color: colorOf(i),
      lineStyle: { type: j === 0 ? 'solid' : j === 1 ? 'dashed' : 'dotted' },
      data: live.at.map((_, k) => live.versions[v][p][k] ?? null),
    })),
  );
  return { ...base('Latency (ms)', live, false), series };
}

/** Requests per second over the last `seconds` seconds, all versions together. */
export function recentRate(live: LiveSeries | undefined, seconds = 10): number {
  if (!live || live.at.length === 0) return 0;
  const n = Math.min(seconds, live.at.length);
  let sum = 0;
  for (const v of Object.values(live.versions)) for (let k = live.at.length - n; k < live.at.length; k++) sum += v.requests[k] ?? 0;
  return sum / n;
}
