/**
 * The estimator contract, scikit-learn style: hyperparameters given at construction (with
 * scikit-learn's names and defaults), `fit` learns from column-major numeric data and returns a
 * plain-JSON fitted state, predictions come from that state alone (so a model artifact can be
 * saved, loaded and exported). Randomness comes only from `random_state` via a seeded generator.
 */

/** Column-major features: `columns[j][i]` is feature j of row i. No per-row objects. */
export interface Matrix {
  readonly rows: number;
  readonly columns: readonly Float64Array[];
  readonly names: readonly string[];
}

export type Task = 'classification' | 'regression';

/** Class targets are codes 0..k-1 into `classes`; regression targets are values. */
export interface Target {
  readonly values: Float64Array;
  /** Class labels in order (classification only): code i means classes[i]. */
  readonly classes?: readonly string[];
}

export interface FitOptions {
  /** Called with a fraction 0..1 and a message (trees built, iterations, folds). */
  readonly progress?: (fraction: number, message?: string) => void;
}

/** RunContext.parallel, as an estimator sees it: map items through a named parallel task over the worker pool. */
export type ParallelMap = <I, O>(task: string, shared: unknown, items: readonly I[], onItemDone?: (done: number, total: number) => void) => Promise<O[]>;

export interface ParallelFitOptions extends FitOptions {
  readonly parallel: ParallelMap;
}

export interface Estimator<State = unknown> {
  readonly kind: string;
  readonly task: Task;
  /** Learns from X and y; returns the fitted state (plain JSON: numbers, arrays, strings). */
  fit(X: Matrix, y: Target, opts?: FitOptions): State;
  /** The same fitted state as `fit`, with independent parts (trees of a forest) spread over workers. */
  fitParallel?(X: Matrix, y: Target, opts: ParallelFitOptions): Promise<State>;
  /** Regression values, or class codes (argmax of probabilities) for classification. */
  predict(state: State, X: Matrix): Float64Array;
  /** Classification: one Float64Array per class, column-major like X. */
  predictProba?(state: State, X: Matrix): Float64Array[];
}

/** A small, fast, seeded generator (mulberry32) for every stochastic step. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
