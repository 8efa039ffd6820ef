import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { DuckDatabase } from '../data/duckdb.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { ArtifactStore } from './artifact-store.js';
import { NodeError, runnerKey, type ParallelTaskRegistry, type RunContext, type RunnerRegistry, type ServingReply } from './node-runner.js';
import { parallelMap, serveParallelMap } from './parallel-map.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

/**
 * A node worker: runs one node task at a time with its own DuckDB instance. The engine
 * terminates the whole thread to cancel, so nothing here needs to be interruptible.
 *
 * Importing this module does nothing; a worker entry calls `startNodeWorker` with the runners:
 * node-worker-entry.js (development, under tsx) imports `WorkerInit.runnersModule` for them, and
 * the Electron build (src-main/hosts/electron/node-worker.ts) has them bundled in.
 *
 * Resolves once the worker has told the pool it is ready; rejects (and the entry lets that end
 * the thread, which fails the pool's start) if DuckDB cannot be opened.
 */
export async function startNodeWorker(runners: RunnerRegistry, parallelTasks: ParallelTaskRegistry = new Map()): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('startNodeWorker must run in a worker thread');
  const init = workerData as WorkerInit;
  const post = (m: FromWorker): void => port.postMessage(m);

  const duck = await DuckDatabase.open({ threads: init.duckdbThreads, memoryBytes: init.duckdbMemoryBytes });
  const store = new ArtifactStore(init.home);

  // Requests for helpers this worker has made, by id, until the pool answers with ports.
  const lendRequests = new Map<number, (ports: readonly MessagePort[]) => void>();
  let nextLendRequest = 1;
  let serving: { recall(): void } | undefined;
  const servingRequests = new Map<number, (reply: ServingReply) => void>();
  let nextServingRequest = 1;

  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'run') void runTask(msg.task);
    else if (msg.type === 'lent') {
      lendRequests.get(msg.requestId)?.(msg.ports);
      lendRequests.delete(msg.requestId);
    } else if (msg.type === 'serve') {
      serving = serveParallelMap(parallelTasks, msg.port, () => {
        serving = undefined;
        post({ type: 'released' });
      });
    } else if (msg.type === 'served') {
      servingRequests.get(msg.requestId)?.(msg.reply);
      servingRequests.delete(msg.requestId);
    } else if (msg.type === 'close') {
      // Only an idle worker is asked: nothing uses DuckDB now, and once it is closed the thread's
      // teardown has no native object left to finalize.
      duck.dispose();
      process.exit(0);
    } else serving?.recall();
  });
  post({ type: 'ready' });

  async function runTask(task: Extract<ToWorker, { type: 'run' }>['task']): Promise<void> {
    const { taskId } = task;
    const run = runners.get(runnerKey(task.nodeType, task.typeVersion));
    if (!run) {
      post({ type: 'error', taskId, message: `no runner is registered for ${task.nodeType}@${task.typeVersion}`, userFacing: true });
      return;
    }
    const db = duck.lazySession();
    let tmpReady = false;
    const ctx: RunContext = {
      runId: task.runId,
      nodeId: task.nodeId,
      baseDir: task.baseDir,
      // Cancellation terminates this thread; the signal is for code that wants to stop early.
      signal: new AbortController().signal,
      db,
      tempPath: (ext) => {
        if (!tmpReady) {
          mkdirSync(task.tmpDir, { recursive: true });
          tmpReady = true;
        }
        return join(task.tmpDir, `${randomUUID()}${ext.startsWith('.') ? ext : `.${ext}`}`);
      },
      progress: (fraction, message) => post({ type: 'progress', taskId, fraction: Math.min(1, Math.max(0, fraction)), message }),
      log: (level, message) => post({ type: 'log', taskId, level, message, time: Date.now() }),
      metric: (name, value, step) => post({ type: 'metric', taskId, name, value, ...(step !== undefined ? { step } : {}) }),
      registerModel: (request) => post({ type: 'register', taskId, request }),
      requestServing: (request) =>
        new Promise((resolve) => {
          const requestId = nextServingRequest++;
          servingRequests.set(requestId, resolve);
          post({ type: 'serving', taskId, requestId, request });
        }),
      parallel: (name, shared, items, onItemDone) =>
        parallelMap(
          parallelTasks,
          (want) =>
            new Promise((resolve) => {
              const requestId = nextLendRequest++;
              lendRequests.set(requestId, resolve);
              post({ type: 'lend', taskId, requestId, want });
            }),
          name,
          shared,
          items,
          onItemDone,
        ),
    };
    try {
      const drafts = await run(ctx, task.inputs, task.params);
      const outputs: Record<string, ArtifactRecord> = {};
      for (const [name, draft] of Object.entries(drafts)) outputs[name] = await store.commit(draft);
      post({ type: 'done', taskId, outputs });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'error', taskId, message: err.message, stack: err.stack, userFacing: e instanceof NodeError });
    } finally {
      db.close();
    }
  }
}
