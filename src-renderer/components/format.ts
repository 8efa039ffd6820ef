export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A cell of a preview or profile: numbers compact, nulls visible, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'number') {
    // Years and small counts read better without grouping (2007, not 2,007).
    if (Number.isInteger(value)) return Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : String(value);
    // Four significant digits fit a narrow column; the exact value is in the cell's title.
    return Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3 ? value.toPrecision(4) : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
