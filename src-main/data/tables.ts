import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import type { RunContext } from '../engine/node-runner.js';
import type { ArtifactDraft } from '../engine/node-runner.js';
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
  const name = `t_${Math.abs(hashCode(ctx.nodeId))}_${Date.now().toString(36)}`;
  // A temp table first: COPY cannot take parameters, the SELECT can.
  await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`, params);
  const file = ctx.tempPath('.parquet');
  await ctx.db.run(`COPY ${name} TO ${quoteOwnPath(file)} (FORMAT parquet, COMPRESSION zstd)`);
  const [{ n }] = await ctx.db.objects(`SELECT count(*)::BIGINT AS n FROM ${name}`);
  const columns = await ctx.db.objects(`SELECT column_name, column_type FROM (DESCRIBE ${name})`);
  await ctx.db.run(`DROP TABLE ${name}`);
  return {
    kind: 'table',
    file,
    rows: Number(n),
    columns: columns.map((c): ColumnSchema => ({ name: String(c.column_name), type: String(c.column_type) })),
    ...(meta ? { meta } : {}),
  };
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The input table as a relation to select from: `FROM read_parquet($in)` with `{ in: path }`. */
export const INPUT_RELATION = 'read_parquet($in)';
