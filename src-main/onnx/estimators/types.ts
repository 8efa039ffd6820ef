import type { GraphBuilder } from '../graph-builder.js';

/**
 * Converts a fitted estimator state. `X` is the double [N, p] feature matrix (the model's
 * features in order). Returns, in double: the class probabilities [N, k] in the order of the
 * state's classes (classification), or the predicted value [N, 1] (regression).
 */
export type EstimatorConverter = (g: GraphBuilder, state: unknown, X: string) => string;
