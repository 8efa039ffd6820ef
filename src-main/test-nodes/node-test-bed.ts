import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import { openTestEngine, testDocument, testEdge, testNode, type FreshRun, type TestEngine } from './test-engine.js';

/**
 * What a node test needs around the real engine: a temp folder with a `data` folder for input
 * files, the engine, and a DuckDB session to read outputs back in order.
 */
export interface NodeTestBed {
  readonly home: string;
  readonly data: string;
  readonly engine: TestEngine;
  readonly db: DuckSession;
  /** The rows of a Parquet artifact, in file order. */
  readRows(path: string): Promise<Record<string, unknown>[]>;
  /** Runs (cache ignored) `ingest.csv` of `csv` into the node under test, whose id is `node`. */
  runAfterCsv(csv: string, type: string, params: Record<string, unknown>, node: string): Promise<FreshRun>;
  dispose(): Promise<void>;
}

export async function openNodeTestBed(prefix: string): Promise<NodeTestBed> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  const data = join(home, 'data');
  await mkdir(data);
  const engine = await openTestEngine({ home: join(home, 'state') });
  const duck = await DuckDatabase.open({ threads: 1 });
  const db = await duck.session();
  return {
    home,
    data,
    engine,
    db,
    runAfterCsv: (csv, type, params, node) =>
      engine.runFresh(
        testDocument([testNode('read', 'ingest.csv', { path: csv }), testNode(node, type, params)], [testEdge('read', node, 'in', 'out')], `${node}-test`),
        data,
      ),
    readRows: (path) =>
      db.objects('SELECT * EXCLUDE (file_row_number) FROM read_parquet($p, file_row_number = true) ORDER BY file_row_number', { p: path }),
    async dispose() {
      db.close();
      duck.dispose();
      await engine.dispose();
      await rm(home, { recursive: true, force: true });
    },
  };
}
