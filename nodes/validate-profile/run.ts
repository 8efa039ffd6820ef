import { quoteIdent } from '../../src-main/data/duckdb.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import type { ColumnProfile, ProfileReport } from './spec.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TEMPORAL = /^(DATE|TIME.*|TIMESTAMP.*)$/;

export const runValidateProfile: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const all = input.columns ?? [];
  const wanted = (params.columns as string[] | undefined) ?? [];
  const missing = wanted.filter((c) => !all.some((col) => col.name === c));
  if (missing.length > 0) throw new NodeError(`columns not in the input: ${missing.join(', ')}`);
  const columns = wanted.length > 0 ? all.filter((c) => wanted.includes(c.name)) : all;

  // One pass over the table: every aggregate in one SELECT. Column names are data, so they
  // are quoted as identifiers; the table path is a parameter.
  const parts = ['count(*)::BIGINT AS "rows"'];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    parts.push(`count(${col})::BIGINT AS n${i}`, `count(DISTINCT ${col})::BIGINT AS d${i}`);
    if (NUMERIC.test(c.type)) {
      parts.push(`min(${col})::DOUBLE AS lo${i}`, `max(${col})::DOUBLE AS hi${i}`, `avg(${col})::DOUBLE AS mu${i}`);
    } else if (TEMPORAL.test(c.type)) {
      parts.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
    }
  });
  ctx.progress(0.2, `profiling ${columns.length} columns`);
  const [row] = await ctx.db.objects(`SELECT ${parts.join(', ')} FROM read_parquet($path)`, { path: input.path });
  const rows = Number(row.rows);
  const profiles: ColumnProfile[] = columns.map((c, i) => {
    const nonNull = Number(row[`n${i}`]);
    const profile: ColumnProfile = {
      name: c.name,
      type: c.type,
      nulls: rows - nonNull,
      nullFraction: rows === 0 ? 0 : (rows - nonNull) / rows,
      distinct: Number(row[`d${i}`]),
    };
    if (`lo${i}` in row) {
      return {
        ...profile,
        min: row[`lo${i}`] as number | string | null,
        max: row[`hi${i}`] as number | string | null,
        ...(`mu${i}` in row ? { mean: row[`mu${i}`] as number | null } : {}),
      };
    }
    return profile;
  });
  ctx.progress(1);
  const report: ProfileReport = { kind: 'profile', rows, columns: profiles };
  return { report: { kind: 'report', data: report } };
};
