import { parallelTasks, runners } from '../../../nodes/runners.js';
import { startNodeWorker } from '../../engine/node-worker.js';

/**
 * The node worker of the Electron build, bundled by scripts/build-electron.js into
 * dist-electron/node-worker.cjs. The packaged app has neither tsx nor .ts files, so the runners
 * are imported here and bundled in, rather than loaded from `WorkerInit.runnersModule` (which this
 * worker ignores).
 *
 * CommonJS has no top-level await: a failed start is rethrown outside the promise chain, so it
 * ends the thread with an 'error' event (failing the pool's start) as in the development entry.
 */
startNodeWorker(runners, parallelTasks).catch((err: unknown) => {
  process.nextTick(() => {
    throw err;
  });
});
