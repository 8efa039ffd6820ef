import { quoteIdent, type DuckSession, type SqlParams } from '../../src-main/data/duckdb.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { LOW_CARDINALITY, type ColumnProfile, type Histogram, type ProfileReport } from './spec.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TEMPORAL = /^(DATE|TIME.*|TIMESTAMP.*)$/;
/** Columns that get top values whatever their number of distinct values. */
const CATEGORICAL = /^(VARCHAR|BOOLEAN|ENUM.*)$/;

type TopValue = NonNullable<ColumnProfile['topValues']>[number];

export const runValidateProfile: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const all = input.columns ?? [];
  const wanted = (params.columns as string[] | undefined) ?? [];
  const missing = wanted.filter((c) => !all.some((col) => col.name === c));
  if (missing.length > 0) throw new NodeError(`columns not in the input: ${missing.join(', ')}`);
  const columns = wanted.length > 0 ? all.filter((c) => wanted.includes(c.name)) : all;
  const options = { bins: Number(params.bins ?? 20), topK: Number(params.topK ?? 10) };
  const report = await profileParquet(ctx.db, input.path, columns, options, (f, m) => ctx.progress(f, m));
  return { report: { kind: 'report', data: report } };
};

/**
 * The profile of a Parquet file's columns, in two scans. Shared by the node and the inspector's
 * column histograms (API `artifact.profile`), so both show the same numbers.
 */
export async function profileParquet(
  db: DuckSession,
  path: string,
  columns: readonly ColumnSchema[],
  { bins, topK }: { readonly bins: number; readonly topK: number },
  progress: (fraction: number, message?: string) => void = () => {},
): Promise<ProfileReport> {
  // Pass 1: every aggregate in one SELECT. Column names are data, so they are quoted as
  // identifiers; the table path is a parameter.
  const parts = ['count(*)::BIGINT AS "rows"'];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    parts.push(`count(${col})::BIGINT AS n${i}`, `count(DISTINCT ${col})::BIGINT AS d${i}`);
    if (NUMERIC.test(c.type)) {
      parts.push(
        `min(${col})::DOUBLE AS lo${i}`,
        `max(${col})::DOUBLE AS hi${i}`,
        `avg(${col})::DOUBLE AS mu${i}`,
        // stddev_samp raises on infinities: spread is only given when every value is finite.
        `stddev_samp(${col}::DOUBLE) FILTER (WHERE isfinite(${col}::DOUBLE)) AS sd${i}`,
        `count(*) FILTER (WHERE NOT isfinite(${col}::DOUBLE))::BIGINT AS nf${i}`,
        `quantile_cont(${col}::DOUBLE, [0.25, 0.5, 0.75]) AS q${i}`,
      );
    } else if (TEMPORAL.test(c.type)) {
      parts.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
    }
  });
  progress(0.2, `profiling ${columns.length} columns`);
  const [row] = await db.objects(`SELECT ${parts.join(', ')} FROM read_parquet($path)`, { path });
  const rows = Number(row.rows);

  // Pass 2 needs pass 1's ranges and distinct counts: histograms and top values.
  progress(0.6, 'histograms and top values');
  const plan = columns.map((c, i) => {
    const nonNull = Number(row[`n${i}`]);
    const lo = row[`lo${i}`];
    const hi = row[`hi${i}`];
    const binnable = NUMERIC.test(c.type) && nonNull > 0 && isFiniteNumber(lo) && isFiniteNumber(hi);
    const lowCardinality = (NUMERIC.test(c.type) || TEMPORAL.test(c.type)) && Number(row[`d${i}`]) <= LOW_CARDINALITY;
    const top = topK > 0 && (CATEGORICAL.test(c.type) || lowCardinality);
    return { column: c, index: i, nonNull, range: binnable ? { lo: lo as number, hi: hi as number } : undefined, top };
  });
  const { histograms, topValues } = await secondPass(db, path, plan, bins, topK);

  const profiles: ColumnProfile[] = columns.map((c, i) => {
    const nonNull = Number(row[`n${i}`]);
    let profile: ColumnProfile = {
      name: c.name,
      type: c.type,
      nulls: rows - nonNull,
      nullFraction: rows === 0 ? 0 : (rows - nonNull) / rows,
      distinct: Number(row[`d${i}`]),
    };
    if (`lo${i}` in row) {
      profile = {
        ...profile,
        min: row[`lo${i}`] as number | string | null,
        max: row[`hi${i}`] as number | string | null,
        ...(`mu${i}` in row ? { mean: row[`mu${i}`] as number | null } : {}),
      };
    }
    if (NUMERIC.test(c.type)) {
      const q = (row[`q${i}`] as unknown[] | null) ?? [null, null, null];
      profile = {
        ...profile,
        std: Number(row[`nf${i}`]) === 0 ? finiteOrNull(row[`sd${i}`]) : null,
        p25: finiteOrNull(q[0]),
        p50: finiteOrNull(q[1]),
        p75: finiteOrNull(q[2]),
        histogram: histograms.get(i) ?? null,
      };
    }
    const top = topValues.get(i);
    return top ? { ...profile, topValues: top } : profile;
  });
  progress(1);
  return { kind: 'profile', rows, columns: profiles };
}

interface ColumnPlan {
  readonly column: ColumnSchema;
  readonly index: number;
  readonly nonNull: number;
  /** Set when the column is numeric with finite values: its histogram range. */
  readonly range?: { readonly lo: number; readonly hi: number };
  readonly top: boolean;
}

/**
 * One scan with GROUPING SETS: per column that gets top values, a group per value; per numeric
 * column, a group per histogram bin (the bin index computed in SQL from the pass-1 range). Only
 * the top K groups of each value set come back, so a column of a million distinct values sends
 * K rows to JS, not a million.
 */
async function secondPass(
  db: DuckSession,
  path: string,
  plan: readonly ColumnPlan[],
  bins: number,
  topK: number,
): Promise<{ histograms: Map<number, Histogram>; topValues: Map<number, TopValue[]> }> {
  const histograms = new Map<number, Histogram>();
  const topValues = new Map<number, TopValue[]>();
  const select: string[] = [];
  const sets: { alias: string; index: number; kind: 'top' | 'bin' }[] = [];
  const params: SqlParams = { path };
  for (const p of plan) {
    const col = quoteIdent(p.column.name);
    if (p.top) {
      const alias = `t${p.index}`;
      select.push(`${col} AS ${alias}`);
      sets.push({ alias, index: p.index, kind: 'top' });
      topValues.set(p.index, []);
    }
    if (p.range) {
      const { lo, hi } = p.range;
      if (lo === hi) {
        // One value: one bin holds it all, no scan needed.
        histograms.set(p.index, { edges: [lo, hi], counts: [p.nonNull] });
        continue;
      }
      const width = (hi - lo) / bins;
      const alias = `b${p.index}`;
      params[`lo${p.index}`] = lo;
      params[`w${p.index}`] = width;
      // floor() of the offset over the width is the bin index; the maximum goes in the last bin.
      // least() ignores NULLs, so a missing value is kept out explicitly.
      select.push(
        `CASE WHEN ${col} IS NOT NULL THEN least(floor((${col}::DOUBLE - $lo${p.index}) / $w${p.index}), ${bins - 1})::INTEGER END AS ${alias}`,
      );
      sets.push({ alias, index: p.index, kind: 'bin' });
      const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
      histograms.set(p.index, { edges, counts: new Array<number>(bins).fill(0) });
    }
  }
  if (sets.length === 0) return { histograms, topValues };

  // Top-value sets first, so `s < topSets` picks them; ties are broken by value.
  sets.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'top' ? -1 : 1));
  const topSets = sets.filter((s) => s.kind === 'top').length;
  const which = sets.map((s, j) => `WHEN GROUPING(${s.alias}) = 0 THEN ${j}`).join(' ');
  const present = sets.map((s, j) => `(s = ${j} AND ${s.alias} IS NOT NULL)`).join(' OR ');
  const tieOrder = sets.slice(0, topSets).map((s) => s.alias);
  let qualify = '';
  if (topSets > 0) {
    params.k = topK;
    qualify = `QUALIFY s >= ${topSets} OR row_number() OVER (PARTITION BY s ORDER BY n DESC, ${tieOrder.join(', ')}) <= $k`;
  }
  const groups = await db.objects(
    `WITH src AS (SELECT ${select.join(', ')} FROM read_parquet($path)),
     g AS (SELECT CASE ${which} END AS s, ${sets.map((s) => s.alias).join(', ')}, count(*)::BIGINT AS n
           FROM src GROUP BY GROUPING SETS (${sets.map((s) => `(${s.alias})`).join(', ')}))
     SELECT * FROM g WHERE ${present} ${qualify} ORDER BY ${['s', 'n DESC', ...tieOrder].join(', ')}`,
    params,
  );
  for (const g of groups) {
    const set = sets[Number(g.s)];
    const count = Number(g.n);
    if (set.kind === 'top') {
      topValues.get(set.index)!.push({ value: g[set.alias] as TopValue['value'], count });
    } else {
      (histograms.get(set.index)!.counts as number[])[Number(g[set.alias])] = count;
    }
  }
  return { histograms, topValues };
}

/** JSON has no infinities: DuckDB hands them over as text; the new statistics report them as null. */
function finiteOrNull(v: unknown): number | null {
  return isFiniteNumber(v) ? v : null;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
