import { writeFile } from 'node:fs/promises';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { NodeError, type NodeRunFn, type RunContext, type StoredArtifact } from '../engine/node-runner.js';
import { loadTrainingData, type TrainingData } from './dataset.js';
import type { Estimator, Task } from './estimator.js';
import type { ModelArtifact } from './model-artifact.js';

/** The hyperparameters a trainer node passes to its estimator: its params less target/features/task. */
const NOT_HYPERPARAMS = new Set(['target', 'features', 'task']);

/**
 * The run function of a trainer node: load the training table as typed arrays, fit, and write the
 * model artifact with the input's preprocessing chain. `make` builds the estimator from the
 * node's hyperparameters for the task.
 */
export type MakeEstimator = (task: Task, hyperparams: Record<string, unknown>) => Estimator;

/** A trainer's run function, carrying how it builds its estimator (train.tune reuses it). */
export type TrainerRunFn = NodeRunFn & { readonly trainer: { readonly make: MakeEstimator; readonly task?: Task } };

export function trainRunner(make: MakeEstimator, fixedTask?: Task): TrainerRunFn {
  const run: NodeRunFn = async (ctx, inputs, params) => {
    const task = fixedTask ?? (params.task === 'regression' ? 'regression' : 'classification');
    const hyperparams = Object.fromEntries(Object.entries(params).filter(([k]) => !NOT_HYPERPARAMS.has(k)));
    const train = inputs.train;
    ctx.progress(0.02, 'reading the training rows');
    const data = await loadTrainingData(ctx, train, {
      target: String(params.target ?? ''),
      features: (params.features as string[] | undefined) ?? [],
      task,
    });
    if (data.X.rows === 0) throw new NodeError('the training table has no rows');
    const estimator = make(task, hyperparams);
    ctx.progress(0.05, `fitting ${estimator.kind} on ${data.X.rows} rows x ${data.X.columns.length} features`);
    const progress = (f: number, m?: string): void => ctx.progress(0.05 + 0.9 * f, m);
    const state = estimator.fitParallel ? await estimator.fitParallel(data.X, data.y, { progress, parallel: ctx.parallel }) : estimator.fit(data.X, data.y, { progress });
    ctx.metric('train_rows', data.X.rows);
    const file = await writeModel(ctx, { train, data, estimator, task, hyperparams, state });
    ctx.progress(1);
    return { model: { kind: 'model', file } };
  };
  return Object.assign(run, { trainer: { make, ...(fixedTask ? { task: fixedTask } : {}) } });
}

/** Writes the model artifact: the input's chain, the fitted estimator, features and classes. */
export async function writeModel(
  ctx: RunContext,
  m: { train: StoredArtifact; data: TrainingData; estimator: Estimator; task: Task; hyperparams: Record<string, unknown>; state: unknown },
): Promise<string> {
  const model: ModelArtifact = {
    format: 'plumb.model',
    version: 1,
    estimator: { kind: m.estimator.kind, task: m.task, params: m.hyperparams, state: m.state },
    chain: [...chainOf(m.train.meta as TableMeta | undefined)],
    features: m.data.features.map((c) => ({ name: c.name, type: c.type })),
    target: { name: m.data.target.name, type: m.data.target.type, ...(m.data.y.classes ? { classes: [...m.data.y.classes] } : {}) },
    trainedOn: { rows: m.data.X.rows, table: m.train.hash },
  };
  const file = ctx.tempPath('.model.json');
  await writeFile(file, JSON.stringify(model));
  return file;
}
