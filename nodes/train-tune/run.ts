import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { loadTrainingData } from '../../src-main/ml/dataset.js';
import { seededRandom, type Target, type Task } from '../../src-main/ml/estimator.js';
import { writeModel } from '../../src-main/ml/train-runner.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { NODE_SPECS } from '../index.js';
import { TRAINERS, type FoldItem, type FoldShared } from './fold-task.js';

const LOWER_IS_BETTER = new Set(['rmse', 'mae']);
const CLASSIFICATION_METRICS = new Set(['accuracy', 'f1_macro', 'roc_auc']);

export const runTrainTune: NodeRunFn = async (ctx, inputs, params) => {
  const type = String(params.estimator);
  const trainer = TRAINERS[type];
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!trainer || !spec) throw new NodeError(`estimator: "${type}" cannot be tuned`);
  const task: Task = trainer.trainer.task ?? (params.task === 'regression' ? 'regression' : 'classification');
  const metric = String(params.metric);
  if (CLASSIFICATION_METRICS.has(metric) !== (task === 'classification')) throw new NodeError(`metric: ${metric} does not score ${task}`);
  const grid = (params.grid ?? {}) as Record<string, unknown[]>;
  const known = new Set(spec.params.map((p) => p.name));
  const unknown = Object.keys(grid).filter((k) => !known.has(k) || ['target', 'features', 'task'].includes(k));
  if (unknown.length > 0) throw new NodeError(`grid: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a hyperparameter' : 'are not hyperparameters'} of ${type}`);

  const data = await loadTrainingData(ctx, inputs.train, { target: String(params.target ?? ''), features: (params.features as string[] | undefined) ?? [], task });
  const folds = Math.min(Number(params.folds), data.X.rows);
  const random = seededRandom(Number(params.random_state));
  const candidates = candidateList(grid, String(params.search), Number(params.n_iter), random);
  const assignment = foldAssignment(data.y, folds, task, random);
  const base = withDefaults(spec, {});
  // Every (candidate, fold) pair is one item of a parallel map over the pool's idle workers.
  const items: FoldItem[] = candidates.flatMap((c) => Array.from({ length: folds }, (_, fold) => ({ hyper: { ...base, ...c }, fold })));
  const shared: FoldShared = { trainer: type, task, metric, X: data.X, y: data.y, assignment };
  const scores = await ctx.parallel<FoldItem, number>('train.tune/fold', shared, items, (done, total) =>
    ctx.progress((done / total) * 0.9, `${done}/${total} fits (${candidates.length} candidates x ${folds} folds)`),
  );
  const results = candidates.map((candidate, ci) => {
    const s = scores.slice(ci * folds, (ci + 1) * folds);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    return { params: candidate, scores: s, mean, std };
  });
  const better = (a: number, b: number) => (LOWER_IS_BETTER.has(metric) ? a < b : a > b);
  const best = results.reduce((b, r) => (better(r.mean, b.mean) ? r : b), results[0]);
  ctx.progress(0.92, 'refitting the best candidate on all rows');
  const hyperparams = Object.fromEntries(Object.entries({ ...base, ...best.params }).filter(([k]) => !['target', 'features', 'task'].includes(k)));
  const estimator = trainer.trainer.make(task, hyperparams);
  const state = estimator.fit(data.X, data.y);
  ctx.metric(`cv_${metric}`, best.mean);
  const file = await writeModel(ctx, { train: inputs.train, data, estimator, task, hyperparams, state });
  ctx.progress(1);
  return {
    model: { kind: 'model', file },
    report: { kind: 'report', data: { kind: 'tuning', estimator: type, metric, folds, best: best.params, candidates: results } },
  };
};

function candidateList(grid: Record<string, unknown[]>, search: string, nIter: number, random: () => number): Record<string, unknown>[] {
  let all: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) all = all.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  if (search !== 'random' || all.length <= nIter) return all;
  // Fisher-Yates with the seeded generator, then the first n_iter: no candidate twice.
  const pool = [...all];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, nIter);
}

/** Fold of each row: shuffled, and for classification dealt out class by class (stratified). */
function foldAssignment(y: Target, folds: number, task: Task, random: () => number): Int32Array {
  const n = y.values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fold = new Int32Array(n);
  if (task === 'classification') {
    let k = 0;
    const byClass = new Map<number, number[]>();
    for (const i of order) byClass.set(y.values[i], [...(byClass.get(y.values[i]) ?? []), i]);
    for (const rows of [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)) for (const i of rows) fold[i] = k++ % folds;
  } else {
    order.forEach((i, pos) => (fold[i] = pos % folds));
  }
  return fold;
}
