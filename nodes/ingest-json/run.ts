import { basename, resolve } from 'node:path';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { checkSourceFile, duckMessage } from '../ingest-csv/source.js';
import { locateJsonError } from './locate.js';

/** DuckDB's names for the formats. */
const FORMATS: Record<string, string> = { auto: 'auto', array: 'array', ndjson: 'newline_delimited' };

/** A fresh table from a JSON or NDJSON file: no preprocessing chain (an ingest starts none). */
export const runIngestJson: NodeRunFn = async (ctx, _inputs, params) => {
  const path = resolve(ctx.baseDir, String(params.path));
  const name = basename(path);
  const format = String(params.format ?? 'auto');
  if (!(format in FORMATS)) throw new NodeError(`format must be auto, array or ndjson, not "${format}"`);
  await checkSourceFile(path);

  ctx.progress(0.1, `reading ${name}`);
  try {
    const out = await writeTable(ctx, 'SELECT * FROM read_json($path, format = $format)', { path, format: FORMATS[format] });
    ctx.progress(1);
    return { out };
  } catch (e) {
    const message = duckMessage(e, path);
    if (!/^Malformed JSON/.test(message)) throw new NodeError(`${name}: ${message}`);
    // DuckDB counts records, not lines: find the place to fix ourselves.
    const mode = format === 'array' || (format === 'auto' && /record\/value/.test(message)) ? 'array' : 'ndjson';
    const found = await locateJsonError(path, mode);
    if (!found) throw new NodeError(`${name}: ${message}`);
    throw new NodeError(`${name}: line ${found.line}, column ${found.column}: ${found.message}`);
  }
};
