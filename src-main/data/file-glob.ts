import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * File name patterns for source paths: `logs/predictions-*.jsonl` names every file of a rotated
 * log. Only the last part of a path may hold a pattern (`*` any run of characters, `?` one
 * character): a folder pattern would make a pipeline's sources depend on the folder tree, and
 * DuckDB's own globbing (`**`, `[...]`) is not needed to read a rotated log. The engine hashes
 * every matched file, so a new segment changes the node's cache key.
 */

/** Whether a path param names a pattern rather than one file. */
export function isFilePattern(path: string): boolean {
  return /[*?]/.test(basename(path));
}

/** The regular expression of a file name pattern. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * The files (not folders) a pattern matches, sorted by name so the order is stable and numbered
 * segments come oldest first. A folder pattern is refused; a missing folder matches nothing.
 */
export async function matchFiles(pattern: string): Promise<string[]> {
  const dir = dirname(pattern);
  if (/[*?]/.test(dir)) throw new Error(`${pattern}: only the file name may hold * or ?, not the folder`);
  const re = patternRegExp(basename(pattern));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.filter((n) => re.test(n)).sort()) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) out.push(path);
  }
  return out;
}
