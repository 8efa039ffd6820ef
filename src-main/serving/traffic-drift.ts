import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftReport } from '../../nodes/monitor-drift/run.js';
import type { DriftReport } from '../../nodes/monitor-drift/spec.js';
import { chainOf } from '../../src-shared/nodes/chain.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { DuckDatabase, quoteIdent, quoteOwnPath, type DuckSession } from '../data/duckdb.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { loggedInputName } from './prediction-log.js';

/**
 * The drift of an endpoint's logged traffic against the data its model was trained on, with the
 * monitor.drift node's statistics and default params (so the panel and a pipeline agree).
 *
 * The reference is the training table BEFORE the model's preprocessing chain: the registry links
 * a version to the table its estimator saw (scaled, one-hot encoded), while the log holds the raw
 * inputs a caller sent. The lineage walk goes up from that table through the node runs of the
 * chain's steps (feature.scale, feature.encode, ...) to the table the first step read, whose
 * columns have the raw names and scales.
 */

export interface TrafficDriftRequest {
  readonly name: string;
  readonly version: number;
  /** The prediction log's segments, oldest first. */
  readonly files: readonly string[];
  /** The newest rows compared. */
  readonly lastRows: number;
}

export interface TrafficDrift {
  readonly version: number;
  /** The reference table's artifact hash. */
  readonly trainingData: string;
  readonly logFiles: number;
  readonly loggedRows: number;
  readonly report: DriftReport;
}

/** A reason the drift cannot be computed, for the user (no log yet, training data evicted, ...). */
export class TrafficDriftError extends Error {}

export async function trafficDrift(db: DuckSession, lineage: LineageStore, req: TrafficDriftRequest): Promise<TrafficDrift> {
  const { name, version } = req;
  const v = lineage.getModel(name)?.versions.find((x) => x.version === version);
  if (!v) throw new TrafficDriftError(`${name} has no version ${version} in the model registry`);
  if (!v.trainingDataHash) throw new TrafficDriftError(`${name} version ${version} was registered without a link to its training data: there is nothing to compare the traffic with`);
  if (!v.inputSchema) throw new TrafficDriftError(`${name} version ${version} has no input schema: the logged columns cannot be matched with the training columns`);
  const reference = rawTrainingTable(lineage, v.trainingDataHash, `${name} version ${version}`);
  const files = req.files.filter((f) => existsSync(f) && statSync(f).size > 0);
  if (files.length === 0) throw new TrafficDriftError(`${name} has logged no request yet: send some traffic first`);

  const refColumns = reference.columns ?? [];
  const compared: ColumnSchema[] = v.inputSchema.flatMap((c) => refColumns.filter((r) => r.name === c.name));
  if (compared.length === 0) {
    throw new TrafficDriftError(`none of ${name}'s input columns (${v.inputSchema.map((c) => c.name).join(', ')}) is in its training table ${reference.hash.slice(0, 12)}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'plumb-traffic-drift-'));
  try {
    const file = join(dir, 'traffic.parquet');
    // Typed as the training columns (a column only ever sent as null would read as JSON), the
    // newest rows first; shadow rows repeat a served row's inputs and are left out. A torn last
    // line (a crash mid-write) is skipped rather than failing the whole check.
    const select = compared.map((c) => `TRY_CAST(${quoteIdent(loggedInputName(c.name))} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
    await db.run(
      `COPY (SELECT ${select} FROM read_json($files, format = 'newline_delimited', union_by_name = true, ignore_errors = true)
             WHERE "role" IS DISTINCT FROM 'shadow' ORDER BY "at" DESC, "row" DESC LIMIT ${Math.floor(req.lastRows)})
       TO ${quoteOwnPath(file)} (FORMAT parquet)`,
      { files: [...files] },
    );
    const [{ n }] = await db.objects('SELECT count(*)::BIGINT AS n FROM read_parquet($f)', { f: file });
    const loggedRows = Number(n);
    const report = await driftReport(db, reference, { path: file, rows: loggedRows, columns: compared }, { columns: compared.map((c) => c.name) });
    return { version, trainingData: reference.hash, logFiles: files.length, loggedRows, report };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The table the model's preprocessing chain started from: up the lineage from the estimator's
 * training table through the node runs of the chain's steps. Must still be in the artifact store.
 */
function rawTrainingTable(lineage: LineageStore, trainingDataHash: string, what: string): ArtifactRecord {
  const trained = lineage.getArtifact(trainingDataHash);
  if (!trained) throw new TrafficDriftError(`the training data of ${what} (table ${trainingDataHash.slice(0, 12)}) is unknown to the lineage store`);
  const chainNodes = new Set(chainOf(trained.meta).map((s) => s.node));
  let current = trained;
  if (chainNodes.size > 0) {
    const upstream = lineage.lineage(trainingDataHash)?.upstream ?? [];
    for (;;) {
      const step = upstream.find((s) => chainNodes.has(s.nodeId) && s.outputs.some((o) => o.hash === current.hash));
      const input = step?.inputs.find((i) => i.kind === 'table');
      if (!input) break;
      current = input;
    }
    if (chainOf(current.meta).length > 0) {
      throw new TrafficDriftError(`the raw training rows of ${what} could not be traced in the lineage store (from table ${trainingDataHash.slice(0, 12)} through its preprocessing steps)`);
    }
  }
  if (!existsSync(current.path)) {
    throw new TrafficDriftError(
      `the training data of ${what} (table ${current.hash.slice(0, 12)}) is no longer in the artifact store: it was evicted from the cache. Run the pipeline that trained it again to bring it back`,
    );
  }
  return current;
}

/** `trafficDrift` on a DuckDB of its own, opened at the first check (most sessions never check). */
export function createDriftChecker(lineage: LineageStore): { check(req: TrafficDriftRequest): Promise<TrafficDrift>; dispose(): void } {
  let database: Promise<DuckDatabase> | undefined;
  return {
    async check(req) {
      const db = await (await (database ??= DuckDatabase.open({ threads: 2 }))).session();
      try {
        return await trafficDrift(db, lineage, req);
      } finally {
        db.close();
      }
    },
    dispose() {
      void database?.then((d) => d.dispose());
      database = undefined;
    },
  };
}
