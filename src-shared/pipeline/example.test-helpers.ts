import { readFileSync } from 'node:fs';
import type { PipelineDocument } from './document.js';

/** The shipped example pipeline: a valid, canonical document for tests to start from. */
export const exampleText = readFileSync(new URL('../../examples/penguins-profile.plumb', import.meta.url), 'utf8');
export const example = (): PipelineDocument => JSON.parse(exampleText) as PipelineDocument;

/** Breaks a document on purpose: sets the value at `path`, or deletes it when `value` is omitted. */
export function poke(target: unknown, path: readonly (string | number)[], ...value: [unknown?]): void {
  let cur = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value.length === 0) delete cur[last];
  else cur[last] = value[0];
}
