import { writeFile } from 'node:fs/promises';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { NodeError, type NodeRunFn } from '../engine/node-runner.js';
import { loadTrainingData } from './dataset.js';
import type { Estimator, Task } from './estimator.js';
import type { ModelArtifact } from './model-artifact.js';

/** The hyperparameters a trainer node passes to its estimator: its params less target/features/task. */
const NOT_HYPERPARAMS = new Set(['target', 'features', 'task']);

/**
 * The run function of a trainer node: load the training table as typed arrays, fit, and write the
 * model artifact with the input's preprocessing chain. `make` builds the estimator from the
 * node's hyperparameters for the task.
 */
export function trainRunner(make: (task: Task, hyperparams: Record<string, unknown>) => Estimator, fixedTask?: Task): NodeRunFn {
  return async (ctx, inputs, params) => {
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
    const state = estimator.fit(data.X, data.y, { progress: (f, m) => ctx.progress(0.05 + 0.9 * f, m) });
    const model: ModelArtifact = {
      format: 'plumb.model',
      version: 1,
      estimator: { kind: estimator.kind, task, params: hyperparams, state },
      chain: [...chainOf(train.meta as TableMeta | undefined)],
      features: data.features.map((c) => ({ name: c.name, type: c.type })),
      target: { name: data.target.name, type: data.target.type, ...(data.y.classes ? { classes: [...data.y.classes] } : {}) },
      trainedOn: { rows: data.X.rows, table: train.hash },
    };
    ctx.metric('train_rows', data.X.rows);
    const file = ctx.tempPath('.model.json');
    await writeFile(file, JSON.stringify(model));
    ctx.progress(1);
    return { model: { kind: 'model', file } };
  };
}
