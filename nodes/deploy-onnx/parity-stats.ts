import type { Predictions } from '../../src-main/onnx/parity.js';

/**
 * Running parity statistics between the app's predictions and the ONNX graph's, fed chunk by
 * chunk, keeping the worst rows for the failure message. A row is worse when its label or its
 * refusal differs (always listed first), then by its largest relative difference.
 */
export interface WorstRow {
  /** 1-based position in the data table. */
  readonly row: number;
  readonly mismatch: 'label' | 'refused' | null;
  readonly relDiff: number;
  readonly absDiff: number;
  readonly app: { readonly label?: string; readonly scores: readonly number[] };
  readonly onnx: { readonly label?: string; readonly scores: readonly number[] };
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ParityStats {
  readonly rows: number;
  readonly labelMismatches: number;
  /** Rows one side refused (a missing feature: NaN and no label) and the other did not. */
  readonly refusalMismatches: number;
  /** Rows both sides refused: not compared. */
  readonly refusedRows: number;
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  readonly worst: readonly WorstRow[];
}

/** Below this, float32 has no relative precision left: differences are taken relative to it. */
const FLOOR = 1e-30;
const KEEP = 5;

export class ParityAccumulator {
  private rows = 0;
  private labelMismatches = 0;
  private refusalMismatches = 0;
  private refusedRows = 0;
  private maxAbsDiff = 0;
  private maxRelDiff = 0;
  private worst: WorstRow[] = [];

  /** Adds a chunk: `offset` is the 0-based position of its first row in the table. */
  add(offset: number, raw: readonly Readonly<Record<string, unknown>>[], inputs: readonly string[], app: Predictions, onnx: Predictions): void {
    for (let i = 0; i < app.scores.length; i++) {
      const a = app.scores[i];
      const o = onnx.scores[i];
      const appRefused = a.some(Number.isNaN);
      const onnxRefused = o.some(Number.isNaN);
      let mismatch: WorstRow['mismatch'] = null;
      let absDiff = 0;
      let relDiff = 0;
      if (appRefused !== onnxRefused) {
        mismatch = 'refused';
        this.refusalMismatches++;
      } else if (appRefused) {
        this.refusedRows++;
      } else {
        for (let k = 0; k < a.length; k++) {
          const d = Math.abs(o[k] - a[k]);
          const r = d / Math.max(Math.abs(a[k]), FLOOR);
          // NaN-safe: a NaN difference counts as the worst possible.
          if (!(d <= absDiff)) absDiff = d;
          if (!(r <= relDiff)) relDiff = r;
        }
        if (app.labels && onnx.labels && app.labels[i] !== onnx.labels[i]) {
          mismatch = 'label';
          this.labelMismatches++;
        }
        if (!(absDiff <= this.maxAbsDiff)) this.maxAbsDiff = absDiff;
        if (!(relDiff <= this.maxRelDiff)) this.maxRelDiff = relDiff;
      }
      this.rows++;
      this.consider({
        row: offset + i + 1,
        mismatch,
        relDiff: Number.isNaN(relDiff) ? Infinity : relDiff,
        absDiff,
        app: { ...(app.labels ? { label: app.labels[i] } : {}), scores: a },
        onnx: { ...(onnx.labels ? { label: onnx.labels[i] } : {}), scores: o },
        values: Object.fromEntries(inputs.map((c) => [c, raw[i][c]])),
      });
    }
  }

  stats(): ParityStats {
    return {
      rows: this.rows,
      labelMismatches: this.labelMismatches,
      refusalMismatches: this.refusalMismatches,
      refusedRows: this.refusedRows,
      maxAbsDiff: this.maxAbsDiff,
      maxRelDiff: this.maxRelDiff,
      worst: this.worst,
    };
  }

  private consider(r: WorstRow): void {
    if (r.mismatch === null && r.relDiff === 0) return;
    if (this.worst.length === KEEP && compareWorst(r, this.worst[KEEP - 1]) >= 0) return;
    this.worst = [...this.worst, r].sort(compareWorst).slice(0, KEEP);
  }
}

/** Negative when `a` is worse than `b`; ties keep the earlier row first. */
function compareWorst(a: WorstRow, b: WorstRow): number {
  const m = Number(b.mismatch !== null) - Number(a.mismatch !== null);
  if (m !== 0) return m;
  if (a.relDiff !== b.relDiff) return b.relDiff - a.relDiff;
  return a.row - b.row;
}

/** Whether the graph serves the same predictions as the app, within `tolerance` (relative). */
export function parityPassed(s: ParityStats, tolerance: number): boolean {
  return s.labelMismatches === 0 && s.refusalMismatches === 0 && s.maxRelDiff <= tolerance;
}

/** One line per worst row: where it is, what the model reads of it, and both answers. */
export function describeWorstRows(worst: readonly WorstRow[], maxColumns = 8): string[] {
  const fmt = (p: WorstRow['app']): string => `${p.label !== undefined ? `${p.label === '' ? '(refused)' : p.label} ` : ''}[${p.scores.map((v) => (Number.isNaN(v) ? 'NaN' : String(v))).join(', ')}]`;
  return worst.map((w) => {
    const cols = Object.entries(w.values);
    const shown = cols.slice(0, maxColumns).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
    if (cols.length > maxColumns) shown.push(`+${cols.length - maxColumns} more`);
    const why = w.mismatch === 'label' ? 'labels differ; ' : w.mismatch === 'refused' ? 'one side refused the row; ' : '';
    return `row ${w.row} (${shown.join(', ')}): app ${fmt(w.app)}, onnx ${fmt(w.onnx)}; ${why}relative difference ${w.relDiff.toExponential(2)}`;
  });
}
