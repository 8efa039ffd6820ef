import type { ColumnProfileSchema } from '../../../src-shared/api/contract.js';
import { formatValue } from '../format.js';

export interface Bar {
  readonly x: number;
  readonly width: number;
  /** From the bottom: the bar's height, at least 1 px for a non-empty bin so it stays visible. */
  readonly height: number;
  readonly count: number;
  /** What the bar stands for, for its tooltip: "10 to 20: 35 rows", "Yes: 1,869 rows". */
  readonly label: string;
}

/**
 * The bars of a column's mini chart: a numeric column's histogram bins, or else its most frequent
 * values (text, booleans, low-cardinality numbers). Heights are linear in the count, scaled to the
 * tallest bar; null when the profile has nothing to draw.
 */
export function miniBars(column: ColumnProfileSchema, width: number, height: number): Bar[] | null {
  let items: { count: number; label: string }[] = [];
  if (column.histogram && column.histogram.counts.length > 0) {
    const { edges, counts } = column.histogram;
    items = counts.map((count, i) => ({ count, label: `${formatValue(edges[i])} to ${formatValue(edges[i + 1])}: ${rows(count)}` }));
  } else if (column.topValues && column.topValues.length > 0) {
    items = column.topValues.map((t) => ({ count: t.count, label: `${formatValue(t.value)}: ${rows(t.count)}` }));
  }
  if (items.length === 0) return null;
  const max = Math.max(...items.map((i) => i.count));
  const step = width / items.length;
  const gap = step > 3 ? 1 : 0;
  return items.map((item, i) => ({
    x: i * step,
    width: Math.max(0.5, step - gap),
    height: max === 0 || item.count === 0 ? 0 : Math.max(1, (item.count / max) * height),
    count: item.count,
    label: item.label,
  }));
}

function rows(n: number): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}

/** One line under a column's name: missing share and distinct values, the range for numbers. */
export function columnFacts(column: ColumnProfileSchema): string {
  const parts: string[] = [];
  if (column.nulls > 0) parts.push(`${(column.nullFraction * 100).toFixed(column.nullFraction < 0.01 ? 2 : 1)}% missing`);
  parts.push(`${column.distinct.toLocaleString('en-US')} distinct`);
  if (typeof column.min === 'number' && typeof column.max === 'number') parts.push(`${formatValue(column.min)} – ${formatValue(column.max)}`);
  return parts.join(' · ');
}
