// Worker threads do not inherit the TypeScript loader the main thread was started with, so the
// worker registers tsx itself before loading the TypeScript worker. A bundled build (Electron)
// points the pool at its compiled worker instead and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
