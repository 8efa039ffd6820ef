import { readFile, writeFile } from 'node:fs/promises';
import { parallelTasks as shippedTasks, runners as shipped } from '../../nodes/runners.js';
import { threadId } from 'node:worker_threads';
import { quoteOwnPath } from '../data/duckdb.js';
import { NodeError, runnerKey, type NodeRunFn, type ParallelTaskFn, type ParallelTaskRegistry } from '../engine/node-runner.js';

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

/**
 * `test.parallel`: maps items 0..n-1 through `test.square` with ctx.parallel and reports which
 * worker thread computed each, so tests can see the work spread over the pool.
 */
const parallel: NodeRunFn = async (ctx, _inputs, params) => {
  const n = Number(params.n ?? 8);
  const items = Array.from({ length: n }, (_, i) => ({ i, cpuMs: Number(params.cpuMs ?? 0), fail: params.failAt === i }));
  let reported = 0;
  const out = await ctx.parallel<SquareItem, SquareResult>('test.square', { offset: Number(params.offset ?? 0) }, items, (done, total) => {
    reported = done;
    ctx.progress(done / total, `${done}/${total}`);
  });
  return { out: { kind: 'report', data: { results: out, reported, self: threadId } } };
};

interface SquareItem { readonly i: number; readonly cpuMs: number; readonly fail: boolean }
interface SquareResult { readonly value: number; readonly thread: number }

function square(shared: { offset: number }, item: SquareItem): SquareResult {
  for (const until = Date.now() + item.cpuMs; Date.now() < until; ) Math.sqrt(Date.now());
  if (item.fail) throw new NodeError(`item ${item.i} failed on purpose`);
  return { value: item.i * item.i + shared.offset, thread: threadId };
}

export const runners: ReadonlyMap<string, NodeRunFn> = new Map([
  ...shipped,
  [runnerKey('test.step', 1), step],
  [runnerKey('test.model', 1), model],
  [runnerKey('test.fit', 1), fit],
  [runnerKey('test.parallel', 1), parallel],
]);

export const parallelTasks: ParallelTaskRegistry = new Map<string, ParallelTaskFn>([...shippedTasks, ['test.square', square]]);

export const TEST_RUNNERS_MODULE = import.meta.url;
