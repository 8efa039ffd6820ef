import { basename, resolve } from 'node:path';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { checkSourceFile, duckMessage } from '../ingest-csv/source.js';

/** A fresh table from a Parquet file: no preprocessing chain (an ingest starts none). */
export const runIngestParquet: NodeRunFn = async (ctx, _inputs, params) => {
  const path = resolve(ctx.baseDir, String(params.path));
  const name = basename(path);
  await checkSourceFile(path);
  ctx.progress(0.1, `reading ${name}`);
  // The footer first: a file that is not Parquet, or is cut short, fails here.
  try {
    await ctx.db.objects('DESCRIBE SELECT * FROM read_parquet($path)', { path });
  } catch (e) {
    throw new NodeError(`${name} is not a readable Parquet file: ${duckMessage(e, path)}`);
  }
  // Then the data: damaged pages only show when they are read.
  try {
    const out = await writeTable(ctx, 'SELECT * FROM read_parquet($path)', { path });
    ctx.progress(1);
    return { out };
  } catch (e) {
    throw new NodeError(`${name}: reading its data failed, the file may be damaged: ${duckMessage(e, path)}`);
  }
};
