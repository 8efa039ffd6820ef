import { quoteIdent, type DuckSession, type SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeFittedTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import type { ImputeColumnState, ImputeState } from '../../src-shared/transforms/impute.js';
import { featureImputeSpec, planImpute, type ImputePlanColumn } from './spec.js';

/**
 * feature.impute: the fill values are SQL aggregates over the input (never loaded into JS), the
 * output one projection with each fill value as a parameter.
 */
export const runFeatureImpute: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const plan = planImpute(input.columns ?? [], params);
  const first = plan.problems[0];
  if (first) throw new NodeError(`${first.param}: ${first.message}`);
  const from: SqlParams = { in: input.path };

  ctx.progress(0.1, `fitting ${plan.columns.length} column(s)`);
  const fills = await fitFills(ctx.db, plan.strategy, plan.columns, from);

  const state: ImputeState = {
    strategy: plan.strategy,
    columns: plan.columns.map(
      (c, i): ImputeColumnState => ({ name: c.column.name, kind: c.kind, fill: fills[i], ...(c.indicator ? { indicator: c.indicator } : {}) }),
    ),
  };

  // One projection: every column in table order, imputed ones replaced in place, indicators last.
  const sqlParams: SqlParams = { ...from };
  const imputed = new Map(state.columns.map((c, i) => [c.name, { c, i }]));
  const select = (input.columns ?? []).map(({ name }) => {
    const hit = imputed.get(name);
    const col = quoteIdent(name);
    if (!hit) return col;
    sqlParams[`f${hit.i}`] = hit.c.fill;
    const value = hit.c.kind === 'number' ? `${col}::DOUBLE` : col;
    const fill = hit.c.kind === 'number' ? `$f${hit.i}::DOUBLE` : hit.c.kind === 'text' ? `$f${hit.i}::VARCHAR` : `$f${hit.i}::BOOLEAN`;
    return `coalesce(${value}, ${fill}) AS ${col}`;
  });
  for (const c of state.columns) if (c.indicator) select.push(`(${quoteIdent(c.name)} IS NULL) AS ${quoteIdent(c.indicator)}`);

  return writeFittedTable(ctx, input, { spec: featureImputeSpec, params, state }, select, sqlParams);
};

/** scikit-learn's `statistics_`: one value per column, from SQL aggregates. */
async function fitFills(
  db: DuckSession,
  strategy: ImputeState['strategy'],
  columns: readonly ImputePlanColumn[],
  from: SqlParams,
): Promise<(number | string | boolean)[]> {
  if (strategy === 'constant') return columns.map((c) => c.constant!);
  if (columns.length === 0) return [];
  if (strategy === 'mean' || strategy === 'median') {
    const parts = columns.map((c, i) => {
      const x = `${quoteIdent(c.column.name)}::DOUBLE`;
      // fsum: compensated (Kahan) summation, for a mean as exact as numpy's pairwise one.
      return strategy === 'mean' ? `fsum(${x}) / count(${x}) AS v${i}` : `quantile_cont(${x}, 0.5) AS v${i}`;
    });
    const [row] = await db.objects(`SELECT ${parts.join(', ')} FROM ${INPUT_RELATION}`, from);
    return columns.map((c, i) => fitted(row[`v${i}`], c, strategy));
  }
  // most_frequent: the largest count, ties to the smallest value (scikit-learn's rule).
  const out: (number | string | boolean)[] = [];
  for (const c of columns) {
    const col = quoteIdent(c.column.name);
    const value = c.kind === 'number' ? `${col}::DOUBLE` : col;
    const rows = await db.objects(
      `SELECT v FROM (SELECT ${value} AS v, count(*) AS n FROM ${INPUT_RELATION} WHERE ${col} IS NOT NULL GROUP BY 1)
       ORDER BY n DESC, v ASC LIMIT 1`,
      from,
    );
    out.push(fitted(rows[0]?.v, c, strategy));
  }
  return out;
}

function fitted(v: unknown, c: ImputePlanColumn, strategy: string): number | string | boolean {
  if (v === null || v === undefined) {
    throw new NodeError(`columns: column "${c.column.name}" has no value to learn the ${strategy} from (every value is missing)`);
  }
  if (c.kind === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new NodeError(`columns: the ${strategy} of column "${c.column.name}" is ${String(v)}: remove its infinite or NaN values first`);
    return n;
  }
  return v as string | boolean;
}
