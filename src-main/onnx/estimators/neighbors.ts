/**
 * KNeighborsClassifier / KNeighborsRegressor with standard ops in double. A Scan walks the query
 * rows, one at a time, so memory stays at one [n_train, p] difference matrix whatever the batch
 * size; for each row it computes the squared euclidean distance to every training row (as the
 * app: Σ (q_j - x_j)²) and keeps the k smallest with TopK, which orders equal distances by
 * training index, as the app's search does. Outside the Scan, vectorised: the weights (uniform, or
 * 1/d with the zero-distance rule: only the neighbours at distance 0 count, equally), then the
 * weighted class votes over their total, or the weighted mean of the targets.
 */
import type { KNeighborsState } from '../../ml/estimators/neighbors/knn.js';
import { boolToDouble, OnnxExportError, scalar } from '../columns.js';
import { DataType, type GraphBuilder } from '../graph-builder.js';
import type { EstimatorConverter } from './types.js';

interface Nearest {
  /** [N, k] int64: training row indices, nearest first. */
  readonly indices: string;
  /** [N, k] double: neighbour weights. */
  readonly weights: string;
  /** [N, 1] double: the sum of the weights. */
  readonly total: string;
}

function nearest(g: GraphBuilder, s: KNeighborsState, X: string): Nearest {
  const { n_samples: n, n_features: p, n_neighbors: k } = s;
  if (s.X.length !== n * p) throw new OnnxExportError(`the kNN state holds ${s.X.length} training values, expected ${n} rows x ${p} features`);
  const train = g.doubles('train_X', s.X, [n, p]);
  const body = g.subgraph();
  const row = body.input(body.fresh('query_row'), DataType.DOUBLE, [p]);
  const diff = body.op('Sub', [row, train]);
  const d2 = body.op('ReduceSum', [body.op('Mul', [diff, diff]), body.int64s('axis1', [1])], { keepdims: { i: 0 } }); // [n]
  const [kd2, kIdx] = body.node('TopK', [d2, body.int64s('k', [k])], { largest: { i: 0 }, sorted: { i: 1 } }, { outputs: 2, hint: 'nearest' });
  body.output(kd2, DataType.DOUBLE, [k]);
  body.output(kIdx, DataType.INT64, [k]);
  const [sqDistances, indices] = g.node('Scan', [X], { body: { g: body.graph('knn_row') }, num_scan_inputs: { i: 1 } }, { outputs: 2, hint: 'knn' });
  let weights: string;
  if (s.weights === 'uniform') {
    weights = g.op('Add', [g.op('Mul', [sqDistances, scalar(g, 'zero', 0)]), scalar(g, 'one', 1)]);
  } else {
    const d = g.op('Sqrt', [sqDistances]);
    const atZero = g.op('Equal', [d, scalar(g, 'zero', 0)]);
    const anyZero = g.op('Greater', [g.op('ReduceMax', [boolToDouble(g, atZero), g.int64s('axis1', [1])], { keepdims: { i: 1 } }), scalar(g, 'zero', 0)]);
    weights = g.op('Where', [anyZero, boolToDouble(g, atZero), g.op('Reciprocal', [d])]);
  }
  const total = g.op('ReduceSum', [weights, g.int64s('axis1', [1])], { keepdims: { i: 1 } });
  return { indices, weights, total };
}

export const convertKNeighborsClassifier: EstimatorConverter = (g, state, X) => {
  const s = state as KNeighborsState;
  const K = s.classes?.length ?? 0;
  const { indices, weights, total } = nearest(g, s, X);
  const labels = g.op('Gather', [g.int64s('train_y', s.y), indices], { axis: { i: 0 } }); // [N, k]
  const votes = g.op('Equal', [g.op('Unsqueeze', [labels, g.int64s('axis2', [2])]), g.int64s('classes', Array.from({ length: K }, (_, i) => i), [1, 1, K])]); // [N, k, K]
  const weighted = g.op('Mul', [boolToDouble(g, votes), g.op('Unsqueeze', [weights, g.int64s('axis2', [2])])]);
  const perClass = g.op('ReduceSum', [weighted, g.int64s('axis1', [1])], { keepdims: { i: 0 } }); // [N, K]
  return g.op('Div', [perClass, total], {}, { hint: 'knn_proba' });
};

export const convertKNeighborsRegressor: EstimatorConverter = (g, state, X) => {
  const s = state as KNeighborsState;
  const { indices, weights, total } = nearest(g, s, X);
  const targets = g.op('Gather', [g.doubles('train_y', s.y), indices], { axis: { i: 0 } });
  const sum = g.op('ReduceSum', [g.op('Mul', [targets, weights]), g.int64s('axis1', [1])], { keepdims: { i: 1 } });
  return g.op('Div', [sum, total], {}, { hint: 'knn_value' });
};
