import { readFile, writeFile } from 'node:fs/promises';
import { runners as shipped } from '../../nodes/runners.js';
import { quoteOwnPath } from '../data/duckdb.js';
import { NodeError, runnerKey, type NodeRunFn } from '../engine/node-runner.js';

/** The shipped runners plus the test-only ones: the module a test engine's workers load. */
const step: NodeRunFn = async (ctx, inputs, params) => {
  ctx.progress(0, 'starting');
  const sleepMs = Number(params.sleepMs ?? 0);
  if (sleepMs > 0) {
    // A long node is mid-write while it waits: a kill or cancel now must leave no torn artifact.
    await writeFile(ctx.tempPath('.partial'), 'half an artifact');
    await new Promise((done) => setTimeout(done, sleepMs));
  }
  const cpuMs = Number(params.cpuMs ?? 0);
  // A synchronous loop: only terminating the worker can stop it.
  for (const until = Date.now() + cpuMs; Date.now() < until; ) Math.sqrt(Date.now());
  if (params.fail) {
    // Leaves a half-made output behind, as a real failure might: the engine must discard it.
    await writeFile(ctx.tempPath('.partial'), 'half an artifact');
    throw new NodeError(String(params.fail));
  }
  const from: Record<string, unknown> = {};
  for (const [port, artifact] of Object.entries(inputs)) from[port] = JSON.parse(await readFile(artifact.path, 'utf8')) as unknown;
  ctx.metric('value_length', String(params.value ?? '').length);
  ctx.progress(1);
  return { out: { kind: 'report', data: { value: params.value, from } } };
};

const model: NodeRunFn = async (ctx, inputs, params) => {
  const [{ n }] = await ctx.db.objects('SELECT count(*)::BIGINT AS n FROM read_parquet($path)', { path: inputs.train.path });
  const file = ctx.tempPath('.model.json');
  await writeFile(file, JSON.stringify({ rows: n, seed: params.seed }));
  return { model: { kind: 'model', file } };
};

const fit: NodeRunFn = async (ctx, inputs, params) => {
  const file = ctx.tempPath('.parquet');
  await ctx.db.run(`COPY (SELECT * FROM read_parquet($path)) TO ${quoteOwnPath(file)} (FORMAT parquet)`, { path: inputs.in.path });
  const chain = [...((inputs.in.meta?.chain as unknown[] | undefined) ?? []), { step: params.step }];
  return { out: { kind: 'table', file, rows: inputs.in.rows ?? 0, columns: inputs.in.columns ?? [], meta: { chain } } };
};

export const runners: ReadonlyMap<string, NodeRunFn> = new Map([
  ...shipped,
  [runnerKey('test.step', 1), step],
  [runnerKey('test.model', 1), model],
  [runnerKey('test.fit', 1), fit],
]);

export const TEST_RUNNERS_MODULE = import.meta.url;
