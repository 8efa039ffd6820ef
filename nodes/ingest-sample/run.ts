import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { readCsv } from '../ingest-csv/read.js';
import { SAMPLE_DATASETS, type SampleDataset } from './spec.js';

/**
 * The shipped CSV of a sample data set, found from this module's own location (never the working
 * directory): `samples/` at the repository root in development (two folders up), and beside
 * `dist-electron/` in the packaged app, whose worker bundle is this module (one folder up).
 */
export function samplePath(file: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const candidate = join(dir, 'samples', file);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** A shipped data set, read exactly as ingest.csv reads it with its defaults; no preprocessing chain. */
export const runIngestSample: NodeRunFn = async (ctx, _inputs, params) => {
  const name = String(params.dataset ?? 'penguins');
  if (!Object.hasOwn(SAMPLE_DATASETS, name)) {
    throw new NodeError(`unknown data set "${name}" (one of ${Object.keys(SAMPLE_DATASETS).join(', ')})`);
  }
  const { file } = SAMPLE_DATASETS[name as SampleDataset];
  const path = samplePath(file);
  if (!path) throw new NodeError(`the sample data set ${file} is missing from this installation (looked for samples/${file})`);
  const { out } = await readCsv(ctx, path, {}, { withRejected: false });
  return { out };
};
