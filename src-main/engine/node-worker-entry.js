// The node worker in development. Worker threads do not inherit the TypeScript loader the main
// thread was started with, so the worker registers tsx itself, then loads the TypeScript worker
// and the runners module named in its workerData (the shipped nodes/runners.ts, or a test's).
// The Electron build points the pool at its bundled worker (src-main/hosts/electron/node-worker.ts,
// built to dist-electron/node-worker.cjs) instead and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { startNodeWorker } = await import('./node-worker.ts');
const { runners, parallelTasks } = await import(workerData.runnersModule);
await startNodeWorker(runners, parallelTasks);
