import type { Span } from './ast.js';

/**
 * An error in an expression, located where it was written so the UI can underline it and a
 * message can say `expression:1:7: ...`.
 */
export interface ExprError {
  readonly message: string;
  /** 1-based character position in the expression text (the column, for a one-line expression). */
  readonly position: number;
  /** How many characters the error covers (at least 1). */
  readonly length: number;
  /** 1-based line and column of `position`, for expressions written over several lines. */
  readonly line: number;
  readonly column: number;
}

export function exprError(text: string, span: Span, message: string): ExprError {
  const start = Math.max(0, Math.min(span.start, text.length));
  const before = text.slice(0, start);
  const line = before.split('\n').length;
  const column = start - (before.lastIndexOf('\n') + 1) + 1;
  return { message, position: start + 1, length: Math.max(1, span.end - span.start), line, column };
}

/** One line: `expression:1:7: unknown column "tenur" (did you mean "tenure"?)`. */
export function formatExprError(error: ExprError, label = 'expression'): string {
  return `${label}:${error.line}:${error.column}: ${error.message}`;
}

/**
 * The one-line message, then the expression's line and a caret line under the error, for a
 * monospace display:
 *
 *     expression:1:1: unknown column "tenur" (did you mean "tenure"?)
 *       tenur / 2
 *       ^^^^^
 */
export function formatExprErrorWithCaret(text: string, error: ExprError, label = 'expression'): string {
  const source = text.split('\n')[error.line - 1] ?? '';
  const width = Math.max(1, Math.min(error.length, source.length - (error.column - 1)));
  // Tabs keep their width in the caret line so the caret stays under the right character.
  const pad = source.slice(0, error.column - 1).replace(/[^\t]/g, ' ');
  return `${formatExprError(error, label)}\n  ${source}\n  ${pad}${'^'.repeat(width)}`;
}

/** The candidate closest to `name` when it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One edit in three characters; a name of one or two characters is too short to guess from.
  const allowed = name.length < 3 ? 0 : Math.max(1, Math.floor(name.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance, with a transposition counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
