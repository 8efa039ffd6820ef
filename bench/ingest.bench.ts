import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDatabase, quoteOwnPath } from '../src-main/data/duckdb.js';
import { openTestEngine } from '../src-main/test-nodes/test-engine.js';
import type { PipelineDocument } from '../src-shared/pipeline/document.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '../shared/data');
const REPEATS = 5;

/**
 * Plumb's ingest.csv node through the engine (forced, so never a cache hit: worker dispatch,
 * reject capture, Parquet artifact, hashing, rename, lineage) against DuckDB doing the bare
 * read_csv -> Parquet COPY on the same file in this process. The ratio is the overhead Plumb
 * adds to the data plane.
 */
export async function benchIngest(): Promise<void> {
  const files = ['telco_churn.csv', 'titanic.csv'].map((f) => join(SHARED, f)).filter(existsSync);
  if (files.length === 0) {
    console.log(`../shared/data is absent (${SHARED}): using the shipped sample only; figures are not comparable to a full run.`);
    files.push(join(ROOT, 'samples/penguins.csv'));
  }
  const home = await mkdtemp(join(tmpdir(), 'plumb-bench-'));
  const duck = await DuckDatabase.open();
  const t = await openTestEngine({ home: join(home, 'state') });
  await t.engine.warmUp();
  try {
    for (const file of files) {
      const doc: PipelineDocument = {
        format: 'plumb.pipeline',
        version: 2,
        id: 'bench',
        name: 'bench',
        description: '',
        nodes: [{ id: 'read', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: file, badRows: 'reject' } }],
        edges: [],
      };
      const plumbMs: number[] = [];
      const rawMs: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        let t0 = performance.now();
        const { outcome } = await t.run(doc, { force: true });
        plumbMs.push(performance.now() - t0);
        if (outcome.status !== 'succeeded') throw new Error(`bench run failed: ${outcome.status} ${outcome.error ?? ''}`);

        const db = await duck.session();
        t0 = performance.now();
        await db.run(`COPY (SELECT * FROM read_csv($path)) TO ${quoteOwnPath(t.store.tempPath('.parquet'))} (FORMAT parquet, COMPRESSION zstd)`, { path: file });
        rawMs.push(performance.now() - t0);
        db.close();
      }
      const p = median(plumbMs);
      const r = median(rawMs);
      console.log(
        `ingest.csv ${file.split('/').pop()}: plumb ${p.toFixed(1)} ms, raw DuckDB ${r.toFixed(1)} ms, ratio ${(p / r).toFixed(2)}x (median of ${REPEATS})`,
      );
    }
  } finally {
    duck.dispose();
    await t.dispose();
    await rm(home, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
