import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import type { ArtifactDraft, RunContext } from '../engine/node-runner.js';
import { fittedMeta } from '../../src-shared/transforms/common.js';
import type { ArtifactMeta } from '../lineage/types.js';
import { quoteOwnPath, type SqlParams } from './duckdb.js';

/**
 * Writes the result of `select` (a SELECT statement; user values only as `$name` parameters)
 * to a Parquet file in the node's temp folder, and returns the table draft with its row count
 * and schema. The one way feature nodes produce tables.
 */
export async function writeTable(
  ctx: RunContext,
  select: string,
  params: SqlParams = {},
  meta?: ArtifactMeta,
): Promise<Extract<ArtifactDraft, { kind: 'table' }>> {
  const file = ctx.tempPath('.parquet');
  // Straight from the query to Parquet, streaming: the table is never held in memory.
  await ctx.db.run(`COPY (${select}) TO ${quoteOwnPath(file)} (FORMAT parquet, COMPRESSION zstd)`, params);
  return { kind: 'table', file, ...(await parquetShape(ctx, file)), ...(meta ? { meta } : {}) };
}

/** Row count (from the footer, no scan) and schema of a Parquet file. */
export async function parquetShape(ctx: RunContext, file: string): Promise<{ rows: number; columns: ColumnSchema[] }> {
  const [{ n }] = await ctx.db.objects('SELECT coalesce(sum(num_rows), 0)::BIGINT AS n FROM parquet_file_metadata($f)', { f: file });
  const columns = await ctx.db.objects('SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($f))', { f: file });
  return {
    rows: Number(n),
    columns: columns.map((c): ColumnSchema => ({ name: String(c.column_name), type: String(c.column_type) })),
  };
}

/** The input table as a relation to select from: `FROM read_parquet($in)` with `{ in: path }`. */
export const INPUT_RELATION = 'read_parquet($in)';

/**
 * How every fitted row-wise feature node ends: the projection `columns` of its input written as
 * the output table, whose metadata is the input's chain plus this step (what predict replays).
 */
export async function writeFittedTable(
  ctx: RunContext,
  input: { readonly meta?: Readonly<Record<string, unknown>> },
  step: {
    readonly spec: { readonly type: string; readonly version: number };
    readonly params: Readonly<Record<string, unknown>>;
    readonly state: object;
  },
  columns: readonly string[],
  sqlParams: SqlParams,
  progressAt = 0.6,
): Promise<{ out: Extract<ArtifactDraft, { kind: 'table' }> }> {
  ctx.progress(progressAt, 'writing table');
  const meta = fittedMeta(input.meta, {
    type: step.spec.type,
    version: step.spec.version,
    node: ctx.nodeId,
    params: { ...step.params },
    state: { ...step.state },
  });
  const out = await writeTable(ctx, `SELECT ${columns.join(', ')} FROM ${INPUT_RELATION}`, sqlParams, meta);
  ctx.progress(1);
  return { out };
}
