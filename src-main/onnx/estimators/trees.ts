/**
 * DecisionTree, RandomForest and HistGradientBoosting (classifiers and regressors) as one
 * ai.onnx.ml TreeEnsembleRegressor that finds the leaf of each row in each tree, and standard ops
 * around it that keep every comparison and every sum in double:
 *
 *   X (double) -> per feature, its rank among that feature's split thresholds -> TreeEnsembleRegressor
 *   (splits `rank <= k`; target t = tree t, weight = the leaf's number in its tree) -> [N, T] leaf
 *   numbers -> + the tree's offset -> Gather from the table of leaf values (double [leaves, k])
 *   -> ReduceSum over the trees -> [N, k]
 *
 * then the estimator's own finish: the mean over trees (random forest), baseline + sigmoid or
 * softmax (gradient boosting). The op's own class label is never used: labels come from the
 * probabilities.
 *
 * Why ranks and not float32 thresholds. ai.onnx.ml 3 compares float32 only. Rounding each
 * double threshold t to a float32 t32 cannot reproduce `x <= t` for every x: a split between
 * neighbours a < b has t = (a + b) / 2, and with decimal data another value lands on t or within
 * half a float32 ulp of it. Measured on diabetes (bmi): t = (27.7 + 27.9) / 2 = 27.799999999999997,
 * a test row has 27.8 > t, yet f32(27.8) = f32(t), so no t32 sends 27.8 right while keeping t left
 * (a row at exactly t must go left). Instead each feature value is replaced by
 * r(x) = #{thresholds u of that feature with u < x}, counted with a double Less: then
 * `x <= u_k` exactly when `r(x) <= k` for the k-th smallest threshold u_k, and r and k are small
 * integers that float32 holds exactly. A NaN (never reached: such a row is refused first) gets a
 * rank above every threshold, so it goes right, as in the app.
 */
import type { TreeState } from '../../ml/estimators/trees/cart.js';
import type { DecisionTreeState } from '../../ml/estimators/trees/decision-tree.js';
import type { HistGradientBoostingState } from '../../ml/estimators/trees/hist-gradient-boosting.js';
import type { RandomForestState } from '../../ml/estimators/trees/random-forest.js';
import { OnnxExportError, scalar } from '../columns.js';
import { DataType, ML_DOMAIN, tensor, type GraphBuilder } from '../graph-builder.js';
import type { EstimatorConverter } from './types.js';

/**
 * Σ over trees of the leaf value row of each row of X: double [N, k]. `leafRow(t, node)` is the
 * k values tree t's leaf `node` contributes.
 */
function sumOfLeaves(g: GraphBuilder, X: string, trees: readonly TreeState[], k: number, leafRow: (t: number, node: number) => readonly number[]): string {
  if (trees.length === 0) throw new OnnxExportError('the model has no trees');
  const a = {
    treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], values: [] as number[], modes: [] as string[],
    trueIds: [] as number[], falseIds: [] as number[],
    targetTree: [] as number[], targetNode: [] as number[], targetId: [] as number[], targetWeight: [] as number[],
  };
  const table: number[] = [];
  const offsets: number[] = [];
  trees.forEach((tree, t) => {
    offsets.push(table.length / k);
    let leaves = 0;
    for (let node = 0; node < tree.feature.length; node++) {
      a.treeIds.push(t);
      a.nodeIds.push(node);
      if (tree.feature[node] < 0) {
        a.featureIds.push(0); a.values.push(0); a.modes.push('LEAF'); a.trueIds.push(0); a.falseIds.push(0);
        a.targetTree.push(t); a.targetNode.push(node); a.targetId.push(t); a.targetWeight.push(leaves++);
        const row = leafRow(t, node);
        if (row.length !== k) throw new OnnxExportError(`tree ${t} leaf ${node} has ${row.length} values, expected ${k}`);
        table.push(...row);
      } else {
        // Feature ids and threshold ranks are filled in by thresholdRanks.
        a.featureIds.push(tree.feature[node]); a.values.push(tree.threshold[node]); a.modes.push('BRANCH_LEQ');
        a.trueIds.push(tree.left[node]); a.falseIds.push(tree.right[node]);
      }
    }
    if (leaves >= 2 ** 24) throw new OnnxExportError(`tree ${t} has ${leaves} leaves: more than a float32 numbers exactly`);
  });
  const ranks = thresholdRanks(g, X, a);
  const leafNumbers = g.op(
    'TreeEnsembleRegressor',
    [ranks],
    {
      nodes_treeids: { ints: a.treeIds }, nodes_nodeids: { ints: a.nodeIds }, nodes_featureids: { ints: a.featureIds },
      nodes_values: { floats: a.values }, nodes_modes: { strings: a.modes },
      nodes_truenodeids: { ints: a.trueIds }, nodes_falsenodeids: { ints: a.falseIds },
      // NaN never reaches a tree (the row is refused first); if it did it would go right, as in the app.
      nodes_missing_value_tracks_true: { ints: a.treeIds.map(() => 0) },
      target_treeids: { ints: a.targetTree }, target_nodeids: { ints: a.targetNode }, target_ids: { ints: a.targetId }, target_weights: { floats: a.targetWeight },
      n_targets: { i: trees.length }, aggregate_function: { s: 'SUM' }, post_transform: { s: 'NONE' },
    },
    { domain: ML_DOMAIN, hint: 'leaf_numbers' },
  );
  const index = g.op('Add', [g.op('Cast', [leafNumbers], { to: { i: DataType.INT64 } }), g.int64s('tree_offsets', offsets, [trees.length])]);
  const values = g.op('Gather', [g.doubles('leaf_values', table, [table.length / k, k]), index], { axis: { i: 0 } }); // [N, T, k]
  return g.op('ReduceSum', [values, g.int64s('axis1', [1])], { keepdims: { i: 0 } }, { hint: 'sum_of_trees' });
}

/**
 * The rank encoding of the features the trees split on: returns float [N, F] ranks (F = the
 * features used, in order) and rewrites the split nodes' feature ids and values in `a` to the
 * rank column and the threshold's rank.
 */
function thresholdRanks(g: GraphBuilder, X: string, a: { featureIds: number[]; values: number[]; modes: string[] }): string {
  const byFeature = new Map<number, number[]>();
  a.modes.forEach((mode, i) => {
    if (mode !== 'BRANCH_LEQ') return;
    const t = a.values[i];
    if (Number.isNaN(t)) throw new OnnxExportError('a split threshold is NaN');
    const list = byFeature.get(a.featureIds[i]) ?? [];
    list.push(t);
    byFeature.set(a.featureIds[i], list);
  });
  if (byFeature.size === 0) byFeature.set(0, []); // stumps only: the op still needs one input column
  const features = [...byFeature.keys()].sort((x, y) => x - y);
  const sorted = new Map(features.map((f) => [f, [...new Set(byFeature.get(f))].sort((x, y) => x - y)]));
  const column = new Map(features.map((f, i) => [f, i]));
  const rankOf = new Map(features.map((f) => [f, new Map(sorted.get(f)!.map((u, k) => [u, k]))]));
  a.modes.forEach((mode, i) => {
    if (mode !== 'BRANCH_LEQ') return;
    const f = a.featureIds[i];
    a.values[i] = rankOf.get(f)!.get(a.values[i])!;
    a.featureIds[i] = column.get(f)!;
  });
  const ranks = features.map((f) => {
    const x = g.op('Gather', [X, g.int64s(`feature_${f}`, [f], [1])], { axis: { i: 1 } }); // [N, 1]
    const u = sorted.get(f)!;
    if (u.length >= 2 ** 24) throw new OnnxExportError(`feature ${f} has ${u.length} split thresholds: more than float32 counts exactly`);
    if (u.length === 0) return g.op('Cast', [g.op('Mul', [x, scalar(g, 'zero', 0)])], { to: { i: DataType.FLOAT } });
    const below = boolToFloat(g, g.op('Less', [g.doubles(`thresholds_${f}`, u, [1, u.length]), x]));
    const rank = g.op('ReduceSum', [below, g.int64s('axis1', [1])], { keepdims: { i: 1 } });
    return g.op('Where', [g.op('IsNaN', [x]), g.constant('rank_past_all', tensor.float([u.length + 1], [])), rank], {}, { hint: `rank_${f}` });
  });
  return ranks.length === 1 ? ranks[0] : g.op('Concat', ranks, { axis: { i: 1 } }, { hint: 'threshold_ranks' });
}

const boolToFloat = (g: GraphBuilder, b: string): string => g.op('Cast', [b], { to: { i: DataType.FLOAT } });

const leafValues = (tree: TreeState, node: number): number[] => tree.value.slice(node * tree.nOutputs, (node + 1) * tree.nOutputs);

export const convertDecisionTree: EstimatorConverter = (g, state, X) => {
  const s = state as DecisionTreeState;
  return sumOfLeaves(g, X, [s.tree], s.tree.nOutputs, (_, node) => leafValues(s.tree, node));
};

export const convertRandomForest: EstimatorConverter = (g, state, X) => {
  const s = state as RandomForestState;
  const k = s.trees[0]?.nOutputs ?? 1;
  const sum = sumOfLeaves(g, X, s.trees, k, (t, node) => leafValues(s.trees[t], node));
  return g.op('Mul', [sum, scalar(g, 'inv_n_trees', 1 / s.trees.length)], {}, { hint: 'forest_mean' });
};

function boostingRaw(g: GraphBuilder, s: HistGradientBoostingState, X: string): string {
  const K = s.nTreesPerIteration;
  const sum = sumOfLeaves(g, X, s.trees, K, (t, node) => {
    const row = new Array<number>(K).fill(0);
    row[t % K] = s.trees[t].value[node];
    return row;
  });
  return g.op('Add', [sum, g.doubles('baseline', s.baseline, [K])], {}, { hint: 'raw_prediction' });
}

export const convertHistGradientBoostingClassifier: EstimatorConverter = (g, state, X) => {
  const s = state as HistGradientBoostingState;
  const raw = boostingRaw(g, s, X);
  if (s.nTreesPerIteration === 1) {
    const p1 = g.op('Sigmoid', [raw]);
    return g.op('Concat', [g.op('Sub', [scalar(g, 'one', 1), p1]), p1], { axis: { i: 1 } });
  }
  return g.op('Softmax', [raw], { axis: { i: 1 } });
};

export const convertHistGradientBoostingRegressor: EstimatorConverter = (g, state, X) => boostingRaw(g, state as HistGradientBoostingState, X);
