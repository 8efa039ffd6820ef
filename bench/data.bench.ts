import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogue } from '../nodes/index.js';
import { DuckDatabase, quoteOwnPath } from '../src-main/data/duckdb.js';
import { finalNodeEvents, openTestEngine, testDocument, testEdge, testNode } from '../src-main/test-nodes/test-engine.js';

const ROOT = resolve(import.meta.dirname, '..');
const FLIGHTS = resolve(ROOT, '../shared/data/flights-3m.parquet');
const ROWS = 1_000_000;
const REPEATS = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

/**
 * The data plane against DuckDB alone, in this invocation:
 * - ingest.csv (sniffing, bad-row capture, Parquet artifact, lineage) on a 1,000,000-row x 5
 *   CSV written from flights-3m.parquet, against DuckDB's read_csv -> Parquet on the same file;
 * - the peak resident memory of a process doing that ingest through the engine;
 * - a profile of all 3,000,000 flights against DuckDB's SUMMARIZE of the same file.
 */
export async function benchData(): Promise<void> {
  if (!existsSync(FLIGHTS)) {
    console.log(`data: ../shared/data/flights-3m.parquet is absent (${FLIGHTS}); the data benchmark needs it and is skipped.`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'plumb-bench-data-'));
  const duck = await DuckDatabase.open();
  const t = await openTestEngine({ home: join(dir, 'state') });
  try {
    const csv = join(dir, 'flights-1m.csv');
    const db = await duck.session();
    await db.run(`COPY (SELECT * FROM read_parquet($p) LIMIT ${ROWS}) TO ${quoteOwnPath(csv)} (FORMAT csv, HEADER true)`, { p: FLIGHTS });

    await t.engine.warmUp();
    const doc = testDocument([testNode('read', 'ingest.csv', { path: csv })], [], 'bench-ingest');
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      let t0 = performance.now();
      const { outcome } = await t.run(doc, { force: true });
      ours.push(performance.now() - t0);
      if (outcome.status !== 'succeeded') throw new Error(`ingest failed: ${outcome.error ?? ''}`);
      t0 = performance.now();
      await db.run(`COPY (SELECT * FROM read_csv($p)) TO ${quoteOwnPath(join(dir, `ref-${i}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`, { p: csv });
      theirs.push(performance.now() - t0);
    }
    const ratio = median(ours) / median(theirs);
    console.log(
      `ingest.csv 1,000,000 x 5: ${median(ours).toFixed(0)} ms through the engine vs ${median(theirs).toFixed(0)} ms DuckDB read_csv -> Parquet alone: ${ratio.toFixed(2)}x (target < 1.5x: ${verdict(ratio < 1.5)})`,
    );

    // Peak RSS in a fresh process, so nothing this benchmark did before counts.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/rss-child.ts'), csv, join(dir, 'rss-state')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const rss = /maxRssMb=(\d+)/.exec(child.stdout)?.[1];
    if (!rss) throw new Error(`rss child failed: ${child.stderr}`);
    console.log(`ingest.csv 1,000,000 x 5: peak RSS of the whole process ${rss} MB (target < 1024 MB: ${verdict(Number(rss) < 1024)})`);

    if (!catalogue.get('ingest.parquet', 1)) {
      console.log('profile 3M: skipped (no ingest.parquet node in this build)');
      return;
    }
    const profileDoc = testDocument(
      [testNode('read', 'ingest.parquet', { path: FLIGHTS }), testNode('profile', 'validate.profile')],
      [testEdge('read', 'profile', 'in', 'out')],
      'bench-profile',
    );
    const { events, outcome } = await t.run(profileDoc, { force: true });
    if (outcome.status !== 'succeeded') throw new Error(`profile failed: ${outcome.error ?? ''}`);
    const profileMs = finalNodeEvents(events).get('profile')?.ms ?? NaN;
    const t0 = performance.now();
    await db.all('SUMMARIZE SELECT * FROM read_parquet($p)', { p: FLIGHTS });
    const summarizeMs = performance.now() - t0;
    console.log(
      `validate.profile of 3,000,000 flights: ${profileMs.toFixed(0)} ms (DuckDB SUMMARIZE of the same file: ${summarizeMs.toFixed(0)} ms, ratio ${(profileMs / summarizeMs).toFixed(2)}x)`,
    );
    db.close();
  } finally {
    duck.dispose();
    await t.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
