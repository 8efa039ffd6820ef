import { resolve } from 'node:path';
import type { NodeRunFn } from '../../src-main/engine/node-runner.js';
import { readCsv } from './read.js';

/** A fresh table from a CSV file: no preprocessing chain (an ingest starts none). */
export const runIngestCsv: NodeRunFn = async (ctx, _inputs, params) => {
  const { out, rejected } = await readCsv(ctx, resolve(ctx.baseDir, String(params.path)), params);
  return { out, rejected };
};
