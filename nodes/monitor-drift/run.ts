import { quoteIdent, type DuckSession, type SqlParams } from '../../src-main/data/duckdb.js';
import { NodeError, type NodeRunFn, type StoredArtifact } from '../../src-main/engine/node-runner.js';
import type { ColumnSchema, ParamValues } from '../../src-shared/nodes/spec.js';
import {
  DRIFT_METHODS,
  FEW_VALUES,
  METHOD_INFO,
  REPORT_CATEGORIES,
  SMALL_REFERENCE,
  type ColumnKind,
  type DriftCategories,
  type DriftColumn,
  type DriftHistogram,
  type DriftMethod,
  type DriftReport,
  type DriftSection,
  type SkippedColumn,
} from './spec.js';
import { chiSquareTest, jensenShannon, ks2sampFromCounts, linspace, normedWasserstein, psi, sturgesEdges, zTest } from './stats.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
const TEMPORAL = /^(DATE|TIMESTAMP.*)$/;
const CATEGORICAL = /^(VARCHAR|BOOLEAN|ENUM.*)$/;
/** Evidently bins a numeric column for JS and PSI when its reference has more distinct values than this. */
const BIN_ABOVE_DISTINCT = 20;

interface Options {
  readonly method: DriftMethod | 'auto';
  readonly methods: Readonly<Record<string, DriftMethod>>;
  readonly threshold?: number;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly driftShare: number;
  readonly psi: boolean;
  readonly bins: number;
}

export const runMonitorDrift: NodeRunFn = async (ctx, inputs, params) => {
  const options = readOptions(params);
  const wanted = (params.columns as string[] | undefined) ?? [];
  ctx.progress(0.05, 'comparing reference and current');
  const main = await driftSection(ctx.db, inputs.reference, inputs.current, { ...options, wanted, sides: ['reference', 'current'] }, (f, m) =>
    ctx.progress(0.05 + 0.8 * f, m),
  );

  const refPred = inputs.reference_predictions;
  const curPred = inputs.current_predictions;
  if (Boolean(refPred) !== Boolean(curPred)) {
    throw new NodeError(`prediction drift needs both reference_predictions and current_predictions connected (only ${refPred ? 'reference' : 'current'}_predictions is)`);
  }
  const predictions =
    refPred && curPred
      ? await driftSection(ctx.db, refPred, curPred, { ...options, wanted: [], sides: ['reference_predictions', 'current_predictions'] }, (f, m) =>
          ctx.progress(0.85 + 0.1 * f, m),
        )
      : undefined;

  const datasetDrift = main.columns.length > 0 && main.share >= options.driftShare;
  const report: DriftReport = { kind: 'drift', ...main, driftShare: options.driftShare, datasetDrift, ...(predictions ? { predictions } : {}) };
  ctx.metric('share_drifted', main.share);
  ctx.metric('drifted_columns', main.driftedColumns);
  ctx.metric('dataset_drift', datasetDrift ? 1 : 0);
  if (predictions) ctx.metric('prediction_share_drifted', predictions.share);
  ctx.log('info', `${main.driftedColumns} of ${main.columns.length} columns drifted (share ${main.share.toFixed(3)}, dataset drift ${datasetDrift ? 'yes' : 'no'} at ${options.driftShare})`);
  ctx.progress(1);
  return { report: { kind: 'report', data: report } };
};

/** A Parquet table to compare: its file, row count and schema (a stored table artifact is one). */
export type DriftTable = Pick<StoredArtifact, 'path' | 'rows' | 'columns'>;

/**
 * The drift report of `current` against `reference` with the node's params, outside a pipeline
 * run: what the serving panel's "Check drift" computes for logged traffic, with the node's own
 * statistics so the two never disagree. Errors are NodeErrors with the node's messages.
 */
export async function driftReport(db: DuckSession, reference: DriftTable, current: DriftTable, params: ParamValues): Promise<DriftReport> {
  const options = readOptions(params);
  const wanted = (params.columns as string[] | undefined) ?? [];
  const main = await driftSection(db, reference, current, { ...options, wanted, sides: ['reference', 'current'] }, () => undefined);
  return { kind: 'drift', ...main, driftShare: options.driftShare, datasetDrift: main.columns.length > 0 && main.share >= options.driftShare };
}

function readOptions(params: ParamValues): Options {
  const method = String(params.method ?? 'auto');
  if (method !== 'auto' && !(DRIFT_METHODS as readonly string[]).includes(method)) throw new NodeError(`method: unknown method "${method}" (auto, ${DRIFT_METHODS.join(', ')})`);
  const threshold = params.threshold === undefined || params.threshold === null || params.threshold === '' ? undefined : Number(params.threshold);
  if (threshold !== undefined && !(threshold >= 0)) throw new NodeError(`threshold: must be a number at least 0, got ${String(params.threshold)}`);
  return {
    method: method as DriftMethod | 'auto',
    methods: (params.methods as Record<string, DriftMethod> | undefined) ?? {},
    threshold,
    thresholds: (params.thresholds as Record<string, number> | undefined) ?? {},
    driftShare: Number(params.driftShare ?? 0.5),
    psi: params.psi === true,
    bins: Number(params.bins ?? 20),
  };
}

interface SectionOptions extends Options {
  readonly wanted: readonly string[];
  /** The two ports' names, for messages. */
  readonly sides: readonly [string, string];
}

interface Planned {
  readonly column: ColumnSchema;
  readonly kind: ColumnKind;
  /** The SQL expression of its comparable value: a DOUBLE for numbers, a VARCHAR for categories. */
  readonly expr: string;
}

/** One query's view of both tables: `s` = 0 for the reference rows, 1 for the current ones. */
function bothSql(exprs: readonly string[]): string {
  const cols = exprs.map((e, i) => `${e} AS v${i}`).join(', ');
  return `(SELECT 0 AS s, ${cols} FROM read_parquet($ref) UNION ALL SELECT 1 AS s, ${cols} FROM read_parquet($cur))`;
}

async function driftSection(
  db: DuckSession,
  reference: DriftTable | undefined,
  current: DriftTable | undefined,
  options: SectionOptions,
  progress: (fraction: number, message: string) => void,
): Promise<DriftSection> {
  const [refPort, curPort] = options.sides;
  if (!reference) throw new NodeError(`${refPort}: no table connected`);
  if (!current) throw new NodeError(`${curPort}: no table connected`);
  const refCols = reference.columns ?? [];
  const curCols = current.columns ?? [];
  for (const [param, names] of [
    ['columns', options.wanted],
    ['methods', Object.keys(options.methods)],
    ['thresholds', Object.keys(options.thresholds)],
  ] as const) {
    for (const c of names) {
      if (!refCols.some((r) => r.name === c)) throw new NodeError(`${param}: column "${c}" is not in the ${refPort} table`);
      if (!curCols.some((r) => r.name === c)) throw new NodeError(`${param}: column "${c}" is not in the ${curPort} table`);
    }
  }
  const shared = refCols.filter((c) => curCols.some((k) => k.name === c.name));
  const candidates = options.wanted.length > 0 ? shared.filter((c) => options.wanted.includes(c.name)) : shared;
  const skipped: SkippedColumn[] = [];
  const planned: Planned[] = [];
  for (const column of candidates) {
    const other = curCols.find((k) => k.name === column.name)!;
    const explicit = options.wanted.includes(column.name);
    const kind = kindOf(column.type);
    const otherKind = kindOf(other.type);
    if (kind !== otherKind) {
      throw new NodeError(`column "${column.name}" is ${column.type} in the ${refPort} table but ${other.type} in the ${curPort} table: cast one of them first`);
    }
    if (kind === 'time' && !explicit) {
      skipped.push({ name: column.name, type: column.type, reason: 'dates and timestamps are compared only when named in columns' });
      continue;
    }
    if (kind === 'other') {
      if (explicit) throw new NodeError(`columns: column "${column.name}" is ${column.type}, which cannot be compared (numbers, dates, text and booleans can)`);
      skipped.push({ name: column.name, type: column.type, reason: `${column.type} cannot be compared` });
      continue;
    }
    const col = quoteIdent(column.name);
    const expr =
      kind === 'num'
        ? `CASE WHEN isfinite(${col}::DOUBLE) THEN ${col}::DOUBLE END`
        : kind === 'time'
          ? `epoch(${col})::DOUBLE`
          : `${col}::VARCHAR`;
    planned.push({ column, kind: kind === 'cat' ? 'cat' : 'num', expr });
  }

  const base: SqlParams = { ref: reference.path, cur: current.path };
  const rows = { reference: reference.rows ?? 0, current: current.rows ?? 0 };
  const columns: DriftColumn[] = [];
  for (const [i, p] of planned.entries()) {
    progress(0.05 + (0.95 * i) / Math.max(planned.length, 1), `column ${p.column.name}`);
    // One scan per column: its distinct values with each side's count, in a temp table that
    // every statistic below reads (thousands of rows where the tables have millions).
    await db.run(`CREATE OR REPLACE TEMP TABLE drift_values AS SELECT v0 AS x, count(*) FILTER (WHERE s = 0) AS a, count(*) FILTER (WHERE s = 1) AS b FROM ${bothSql([p.expr])} GROUP BY v0`, base);
    const [facts] = await db.objects(
      `SELECT count(x)::DOUBLE AS distinct_values, count(x) FILTER (WHERE a > 0)::DOUBLE AS ref_distinct,
              coalesce(sum(a) FILTER (WHERE x IS NOT NULL), 0)::DOUBLE AS n_ref, coalesce(sum(b) FILTER (WHERE x IS NOT NULL), 0)::DOUBLE AS n_cur,
              coalesce(sum(a) FILTER (WHERE x IS NULL), 0)::DOUBLE AS miss_ref, coalesce(sum(b) FILTER (WHERE x IS NULL), 0)::DOUBLE AS miss_cur,
              ${p.kind === 'num' ? 'min(x) AS lo, max(x) AS hi' : 'NULL AS lo, NULL AS hi'}
       FROM drift_values`,
    );
    const nRef = Number(facts.n_ref);
    const nCur = Number(facts.n_cur);
    if (nRef === 0 || nCur === 0) {
      skipped.push({ name: p.column.name, type: p.column.type, reason: `no values in the ${nRef === 0 ? refPort : curPort} table` });
      continue;
    }
    columns.push(
      await compareColumn(db, p, {
        nRef,
        nCur,
        distinct: Number(facts.distinct_values),
        refDistinct: Number(facts.ref_distinct),
        lo: facts.lo as number | undefined,
        hi: facts.hi as number | undefined,
        missing: { reference: Number(facts.miss_ref), current: Number(facts.miss_cur) },
        options,
      }),
    );
  }
  await db.run('DROP TABLE IF EXISTS drift_values');
  const driftedColumns = columns.filter((c) => c.drifted).length;
  return { rows, columns, skipped, driftedColumns, share: columns.length === 0 ? 0 : driftedColumns / columns.length };
}

function kindOf(type: string): ColumnKind | 'time' | 'other' {
  if (NUMERIC.test(type)) return 'num';
  if (TEMPORAL.test(type)) return 'time';
  if (CATEGORICAL.test(type)) return 'cat';
  return 'other';
}

interface ColumnFacts {
  readonly nRef: number;
  readonly nCur: number;
  readonly distinct: number;
  readonly refDistinct: number;
  readonly lo?: number;
  readonly hi?: number;
  readonly missing: { readonly reference: number; readonly current: number };
  readonly options: SectionOptions;
}

/** Evidently's `_get_default_stattest`. */
function autoMethod(kind: ColumnKind, nRef: number, distinct: number): DriftMethod {
  const numeric = kind === 'num' && distinct > FEW_VALUES;
  if (nRef <= SMALL_REFERENCE) return numeric ? 'ks' : distinct > 2 ? 'chisquare' : 'z';
  return numeric ? 'wasserstein' : 'jensenshannon';
}

async function compareColumn(db: DuckSession, p: Planned, f: ColumnFacts): Promise<DriftColumn> {
  const name = p.column.name;
  const { options } = f;
  const override = options.methods[name] as DriftMethod | undefined;
  const chosen = override ?? options.method;
  const method = chosen === 'auto' ? autoMethod(p.kind, f.nRef, f.distinct) : chosen;
  if ((method === 'ks' || method === 'wasserstein') && p.kind !== 'num') {
    throw new NodeError(`column "${name}" is ${p.column.type}: method ${method} needs numbers (use chisquare, z, jensenshannon or psi)`);
  }
  const threshold = options.thresholds[name] ?? options.threshold ?? METHOD_INFO[method].threshold;

  // Value counts per category: for text columns always (the report shows them), for numbers when
  // a method compares values as categories (few values, or few reference values for JS/PSI).
  const binsNumeric = p.kind === 'num' && f.refDistinct > BIN_ABOVE_DISTINCT;
  const usesBuckets = method === 'jensenshannon' || method === 'psi' || options.psi;
  const needCategories = p.kind === 'cat' || method === 'chisquare' || method === 'z' || (usesBuckets && !binsNumeric);
  const categories = needCategories ? await categoryCounts(db, p.kind) : undefined;
  const sturges = usesBuckets && binsNumeric ? await histogramCounts(db, sturgesEdges(f.nRef + f.nCur, f.lo!, f.hi!)) : undefined;
  const buckets = sturges ?? (categories ? { reference: categories.map((c) => c.a), current: categories.map((c) => c.b) } : undefined);

  let statistic: number | null = null;
  let pValue: number | undefined;
  let distance: number | undefined;
  let ksMode: 'exact' | 'asymp' | undefined;
  if (method === 'ks' || method === 'wasserstein') {
    const cdf = await cdfDifferences(db, f.nRef, f.nCur);
    if (method === 'ks') {
      const ks = ks2sampFromCounts(cdf.k, f.nRef, f.nCur);
      statistic = ks.statistic;
      pValue = ks.pValue;
      ksMode = ks.mode;
    } else {
      distance = normedWasserstein(cdf.area, cdf.refStd);
      statistic = distance;
    }
  } else if (method === 'chisquare') {
    const chi = chiSquareTest(
      categories!.map((c) => c.a),
      categories!.map((c) => c.b),
    );
    statistic = chi.statistic;
    pValue = chi.pValue;
  } else if (method === 'z') {
    if (f.distinct === 1) {
      // Evidently: one shared value on both sides is no drift (p = 1), not 0/0.
      statistic = 0;
      pValue = 1;
    } else {
      const first = categories!.reduce((a, c) => (compareKeys(c.key, a.key) < 0 ? c : a));
      const z = zTest(first.a, f.nRef, first.b, f.nCur);
      statistic = z.statistic;
      pValue = z.pValue;
    }
  } else if (method === 'jensenshannon') {
    distance = jensenShannon(buckets!.reference, buckets!.current);
    statistic = distance;
  } else {
    distance = psi(buckets!.reference, buckets!.current);
    statistic = distance;
  }
  const score = METHOD_INFO[method].score === 'p_value' ? pValue! : distance!;
  const drifted = Number.isNaN(score) ? false : METHOD_INFO[method].score === 'p_value' ? score < threshold : score >= threshold;
  const histogram = p.kind === 'num' ? await reportHistogram(db, f.lo!, f.hi!, options.bins) : undefined;
  return {
    name,
    type: p.column.type,
    kind: p.kind,
    method,
    statistic: finiteOrNull(statistic),
    ...(pValue !== undefined ? { pValue: finiteOrNull(pValue) } : {}),
    ...(distance !== undefined ? { distance: finiteOrNull(distance) } : {}),
    score: finiteOrNull(score),
    threshold,
    drifted,
    ...(ksMode ? { ksMode } : {}),
    ...(options.psi && buckets ? { psi: psi(buckets.reference, buckets.current) } : {}),
    values: { reference: f.nRef, current: f.nCur, distinct: f.distinct },
    missing: f.missing,
    ...(histogram ? { histogram } : {}),
    ...(p.kind === 'cat' && categories ? { categories: reportCategories(categories) } : {}),
  };
}

/** JSON has no Infinity or NaN: a statistic that is not finite (chi-squared of a new category) is null. */
function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

interface CategoryCount {
  readonly key: string | number;
  readonly a: number;
  readonly b: number;
}

function compareKeys(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

/** Each distinct value with its reference and current counts, in value order. */
async function categoryCounts(db: DuckSession, kind: ColumnKind): Promise<CategoryCount[]> {
  const rows = await db.objects('SELECT x AS k, a::DOUBLE AS a, b::DOUBLE AS b FROM drift_values WHERE x IS NOT NULL ORDER BY x');
  return rows.map((r) => ({ key: kind === 'num' ? Number(r.k) : String(r.k), a: Number(r.a), b: Number(r.b) }));
}

/**
 * The two empirical CDFs over the sorted distinct values, in SQL: k = max |c1 n2 - c2 n1| (so
 * D = k / (n1 n2) with no rounding) and the area between them (the Wasserstein distance), where
 * c1, c2 are the running counts; and the reference's standard deviation (ddof 0, two passes as
 * numpy). Only one row comes back, whatever the number of values.
 */
async function cdfDifferences(db: DuckSession, nRef: number, nCur: number): Promise<{ k: number; area: number; refStd: number }> {
  const [row] = await db.objects(
    `WITH c AS (SELECT x, a, sum(a) OVER w AS ca, sum(b) OVER w AS cb, lead(x) OVER (ORDER BY x) AS nx FROM drift_values WHERE x IS NOT NULL
                WINDOW w AS (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
          m AS (SELECT fsum(a * x) / $nref AS mu FROM c)
     SELECT greatest(max(ca * $ncur - cb * $nref), max(cb * $nref - ca * $ncur))::DOUBLE AS k,
            fsum(abs(ca::DOUBLE / $nref - cb::DOUBLE / $ncur) * (nx - x)) AS area,
            sqrt(fsum(a * (x - mu) * (x - mu)) / $nref) AS sd
     FROM c, m`,
    { nref: nRef, ncur: nCur },
  );
  return { k: Number(row.k), area: Number(row.area ?? 0), refStd: Number(row.sd ?? 0) };
}

/**
 * `np.histogram(values, edges)` per side for equal-width edges from `linspace`: the bin index from
 * the width, then moved by one where floating point put a value across an edge, so each value
 * lands where numpy's comparisons with the edges put it.
 */
async function histogramCounts(db: DuckSession, edges: readonly number[]): Promise<{ reference: number[]; current: number[] }> {
  const nb = edges.length - 1;
  const first = edges[0];
  const step = (edges[nb] - first) / nb;
  const rows = await db.objects(
    `SELECT bin, sum(a)::DOUBLE AS a, sum(b)::DOUBLE AS b FROM (
       SELECT a, b, CASE WHEN x < i0 * $step + $first THEN i0 - 1
                         WHEN i0 < $nb - 1 AND x >= (i0 + 1) * $step + $first THEN i0 + 1
                         ELSE i0 END AS bin
       FROM (SELECT x, a, b, least(greatest(floor((x - $first) / $step), 0), $nb - 1)::BIGINT AS i0 FROM drift_values WHERE x IS NOT NULL))
     GROUP BY bin`,
    { first, step, nb },
  );
  const reference = new Array<number>(nb).fill(0);
  const current = new Array<number>(nb).fill(0);
  for (const r of rows) {
    reference[Number(r.bin)] += Number(r.a);
    current[Number(r.bin)] += Number(r.b);
  }
  return { reference, current };
}

/** The report's histogram: `bins` equal-width bins over both tables' range (numpy's, ±0.5 for one value). */
async function reportHistogram(db: DuckSession, lo: number, hi: number, bins: number): Promise<DriftHistogram> {
  const edges = lo === hi ? linspace(lo - 0.5, hi + 0.5, bins + 1) : linspace(lo, hi, bins + 1);
  const counts = await histogramCounts(db, edges);
  return { edges, ...counts };
}

function reportCategories(all: readonly CategoryCount[]): DriftCategories {
  const sorted = [...all].sort((x, y) => y.a + y.b - (x.a + x.b) || compareKeys(x.key, y.key));
  const top = sorted.slice(0, REPORT_CATEGORIES);
  const rest = sorted.slice(REPORT_CATEGORIES);
  return {
    values: top.map((c) => c.key),
    reference: top.map((c) => c.a),
    current: top.map((c) => c.b),
    other: { categories: rest.length, reference: rest.reduce((s, c) => s + c.a, 0), current: rest.reduce((s, c) => s + c.b, 0) },
  };
}
