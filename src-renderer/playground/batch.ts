/** Where a batch prediction writes by default: beside its input, `churn.csv` -> `churn.predictions.csv`. */
export function defaultBatchOut(input: string): string {
  const trimmed = input.trim();
  if (!trimmed) return '';
  const cut = /\.(csv|tsv|txt)$/i.exec(trimmed);
  return `${cut ? trimmed.slice(0, cut.index) : trimmed}.predictions.csv`;
}

/** The file name of a path, for either separator. */
export const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

let jobSeq = 0;

/**
 * A batch job's id, chosen here so progress events can be matched before the call returns.
 * The time part keeps two windows (or a reload) from picking the same id.
 */
export function newBatchJobId(now: number = Date.now()): string {
  return `batch-${now.toString(36)}-${++jobSeq}`;
}
