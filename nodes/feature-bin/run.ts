import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeFittedTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { dropTinyBins, linspace, quantileFractions, type BinColumnState, type BinState } from '../../src-shared/transforms/bin.js';
import { featureBinSpec, planBin } from './spec.js';

/**
 * feature.bin: min/max or quantiles as SQL aggregates over the input, the edges computed from
 * them as numpy would, then one projection comparing each value with the edges (parameters).
 */
export const runFeatureBin: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const plan = planBin(input.columns ?? [], params);
  const first = plan.problems[0];
  if (first) throw new NodeError(`${first.param}: ${first.message}`);
  if (!Number.isInteger(plan.nBins) || plan.nBins < 2) throw new NodeError(`n_bins: must be a whole number of at least 2 (got ${plan.nBins})`);
  const names = plan.columns.map((c) => c.name);
  const x = (i: number) => `${quoteIdent(names[i])}::DOUBLE`;

  ctx.progress(0.1, `fitting ${names.length} column(s)`);
  const fractions = quantileFractions(plan.nBins);
  const sqlFit: SqlParams = { in: input.path };
  if (plan.strategy === 'quantile') fractions.forEach((f, j) => (sqlFit[`q${j}`] = f));
  const parts = names.map((_, i) => {
    const base = `min(${x(i)}) AS lo${i}, max(${x(i)}) AS hi${i}`;
    if (plan.strategy === 'uniform') return base;
    return `${base}, ${fractions.map((_f, j) => `quantile_cont(${x(i)}, $q${j}) AS e${i}_${j}`).join(', ')}`;
  });
  const [row] = await ctx.db.objects(`SELECT ${parts.join(', ')} FROM ${INPUT_RELATION}`, sqlFit);

  const columns: BinColumnState[] = names.map((name, i) => {
    const lo = finite(row[`lo${i}`], name);
    const hi = finite(row[`hi${i}`], name);
    if (lo === hi) {
      ctx.log('warn', `column "${name}" is constant (${lo}): all its values go to bin 0`);
      return { name, edges: [lo, hi], n_bins: 1 };
    }
    let edges = plan.strategy === 'uniform' ? linspace(lo, hi, plan.nBins + 1) : fractions.map((_f, j) => finite(row[`e${i}_${j}`], name));
    if (plan.strategy === 'quantile') {
      const kept = dropTinyBins(edges);
      if (kept.length < edges.length) {
        ctx.log(
          'warn',
          `column "${name}": bins narrower than 1e-8 (repeated quantiles) were removed: ${kept.length - 1} bins instead of ${plan.nBins}. Consider fewer bins.`,
        );
      }
      edges = kept;
    }
    return { name, edges, n_bins: edges.length - 1 };
  });
  const state: BinState = { strategy: plan.strategy, columns };

  const sqlParams: SqlParams = { in: input.path };
  const byName = new Map(columns.map((c, i) => [c.name, { c, i }]));
  const select = (input.columns ?? []).map(({ name }) => {
    const hit = byName.get(name);
    const col = quoteIdent(name);
    if (!hit) return col;
    const { c, i } = hit;
    // Inner edges only: below the first -> 0, at or above the last inner edge -> the last bin.
    const whens = c.edges.slice(1, -1).map((e, j) => {
      sqlParams[`e${i}_${j}`] = e;
      return `WHEN ${col}::DOUBLE < $e${i}_${j}::DOUBLE THEN ${j}`;
    });
    return `(CASE WHEN ${col} IS NULL THEN NULL ${whens.join(' ')} ELSE ${c.n_bins - 1} END)::INTEGER AS ${col}`;
  });

  return writeFittedTable(ctx, input, { spec: featureBinSpec, params, state }, select, sqlParams);
};

function finite(v: unknown, column: string): number {
  if (v === null || v === undefined) throw new NodeError(`columns: column "${column}" has no value to learn bin edges from (every value is missing)`);
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new NodeError(`columns: column "${column}" holds ${String(v)}: remove its infinite or NaN values before binning it`);
  return n;
}
