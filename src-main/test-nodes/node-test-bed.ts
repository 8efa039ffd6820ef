import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { chainOf, type ChainStep, type TableMeta } from '../../src-shared/nodes/chain.js';
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
  /** The rows of a Parquet artifact, in file order; `select` is a column list, `where` a condition. */
  readRows(path: string, query?: { select?: string; where?: string }): Promise<Record<string, unknown>[]>;
  /** The `level: message` lines a node logged in a run, from the lineage store. */
  logsOf(record: FreshRun, node: string): string[];
  /** Runs (cache ignored) `ingest.csv` of `csv` into the node under test, whose id is `node`. */
  runAfterCsv(csv: string, type: string, params: Record<string, unknown>, node: string): Promise<FreshRun>;
  /** `runAfterCsv`, checked to succeed, with the rows read back and the chain step the node added. */
  fitAfterCsv(csv: string, type: string, params: Record<string, unknown>, node: string): Promise<FittedStep>;
  dispose(): Promise<void>;
}

/** A fitting node's run on an ingested CSV: what went in, what came out and the step it fitted. */
export interface FittedStep {
  readonly record: FreshRun;
  readonly input: ArtifactRecord;
  readonly output: ArtifactRecord;
  readonly inRows: Record<string, unknown>[];
  readonly outRows: Record<string, unknown>[];
  readonly step: ChainStep;
}

export async function openNodeTestBed(prefix: string): Promise<NodeTestBed> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  const data = join(home, 'data');
  await mkdir(data);
  const engine = await openTestEngine({ home: join(home, 'state') });
  const duck = await DuckDatabase.open({ threads: 1 });
  const db = await duck.session();
  const bed: NodeTestBed = {
    home,
    data,
    engine,
    db,
    runAfterCsv: (csv, type, params, node) =>
      engine.runFresh(
        testDocument([testNode('read', 'ingest.csv', { path: csv }), testNode(node, type, params)], [testEdge('read', node, 'in', 'out')], `${node}-test`),
        data,
      ),
    readRows: (path, { select = '* EXCLUDE (file_row_number)', where = 'true' } = {}) =>
      db.objects(`SELECT ${select} FROM read_parquet($p, file_row_number = true) WHERE ${where} ORDER BY file_row_number`, { p: path }),
    logsOf: (record, node) =>
      engine.lineage.getRun(record.runId)!.nodeRuns.find((n) => n.nodeId === node)!.logs.map((l) => `${l.level}: ${l.message}`),
    async fitAfterCsv(csv, type, params, node) {
      const record = await bed.runAfterCsv(csv, type, params, node);
      const output = succeededOutputs(record, node).out;
      const input = record.nodes.get('read')!.outputs.out;
      // ingest.csv starts a fresh chain, so its first step is the one this node added.
      const [step] = chainOf(output.meta as TableMeta);
      return { record, input, output, inRows: await bed.readRows(input.path), outRows: await bed.readRows(output.path), step };
    },
    async dispose() {
      db.close();
      duck.dispose();
      await engine.dispose();
      await rm(home, { recursive: true, force: true });
    },
  };
  return bed;
}

/** A node's outputs by port, after checking that it succeeded in the run. */
export function succeededOutputs(record: FreshRun, node: string): Record<string, ArtifactRecord> {
  const n = record.nodes.get(node);
  expect(n?.error, `${node} error`).toBeUndefined();
  expect(n?.status, node).toBe('succeeded');
  return n!.outputs;
}
