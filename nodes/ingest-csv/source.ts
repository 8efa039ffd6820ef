import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { NodeError } from '../../src-main/engine/node-runner.js';

/** Helpers shared by the file sources (ingest.csv, .parquet, .json, .sqlite, .sample). */

/** The checks every file source makes first: it exists, is a file, and is not empty. Returns its size. */
export async function checkSourceFile(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new NodeError(`file not found: ${path}`);
  if (!info.isFile()) throw new NodeError(`not a file: ${path}`);
  if (info.size === 0) throw new NodeError(`${basename(path)} is empty`);
  return info.size;
}

/**
 * DuckDB's first line, without its "Invalid Input Error: " style prefix and without the file's
 * path (messages name the file by its base name in front instead).
 */
export function duckMessage(e: unknown, path?: string): string {
  let message = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^[A-Za-z ]*Error: /, '');
  if (path) {
    for (const quoted of [`'${path}'`, `"${path}"`]) message = message.split(` in file ${quoted}`).join('').split(quoted).join('');
    message = message.replace(/ {2,}/g, ' ').replace(/ ([,.:])/g, '$1');
  }
  return message.trim();
}
