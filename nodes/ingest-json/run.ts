import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isFilePattern, matchFiles } from '../../src-main/data/file-glob.js';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type ArtifactDraft, type NodeRunFn, type RunContext } from '../../src-main/engine/node-runner.js';
import { checkSourceFile, duckMessage } from '../ingest-csv/source.js';
import { locateJsonError } from './locate.js';

/** DuckDB's names for the formats. */
const FORMATS: Record<string, string> = { auto: 'auto', array: 'array', ndjson: 'newline_delimited' };

/** A fresh table from a JSON or NDJSON file: no preprocessing chain (an ingest starts none). */
export const runIngestJson: NodeRunFn = async (ctx, _inputs, params) => {
  const path = resolve(ctx.baseDir, String(params.path));
  const format = String(params.format ?? 'auto');
  if (!(format in FORMATS)) throw new NodeError(`format must be auto, array or ndjson, not "${format}"`);
  if (isFilePattern(path)) return readPattern(ctx, path, FORMATS[format]);
  const name = basename(path);
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

/**
 * Every file a name pattern matches (the segments of a rotated log), as one table: columns are
 * matched by name across files (a column one file lacks is null there). Empty files are skipped:
 * a log's newest segment may not have its first line yet.
 */
async function readPattern(ctx: RunContext, pattern: string, format: string): Promise<Record<string, ArtifactDraft>> {
  const matched = await matchFiles(pattern).catch((e: unknown) => {
    throw new NodeError(`path: ${e instanceof Error ? e.message : String(e)}`);
  });
  const files: string[] = [];
  for (const f of matched) if ((await stat(f)).size > 0) files.push(f);
  if (files.length === 0) {
    throw new NodeError(`path: no ${matched.length > 0 ? 'non-empty ' : ''}file matches ${basename(pattern)} in ${dirname(pattern)}`);
  }
  ctx.progress(0.1, `reading ${files.length} file${files.length === 1 ? '' : 's'} matching ${basename(pattern)}`);
  for (const [i, file] of files.entries()) {
    // DuckDB names no file in its errors of a multi-file read: find the bad one first.
    try {
      await ctx.db.run('SELECT * FROM read_json($file, format = $format) LIMIT 0', { file, format });
    } catch (e) {
      throw new NodeError(`${basename(file)} (file ${i + 1} of ${files.length} matching ${basename(pattern)}): ${duckMessage(e, file)}`);
    }
  }
  try {
    const out = await writeTable(ctx, 'SELECT * FROM read_json($files, format = $format, union_by_name = true)', { files, format });
    ctx.progress(1);
    return { out };
  } catch (e) {
    throw new NodeError(`${files.length} files matching ${basename(pattern)}: ${duckMessage(e)}`);
  }
}
