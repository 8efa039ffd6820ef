import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeFittedTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import type { ScaleColumnState, ScaleState } from '../../src-shared/transforms/scale.js';
import { featureScaleSpec, planScale } from './spec.js';

const EPS = 2 ** -52;

/**
 * feature.scale: statistics as SQL aggregates over the input, then one projection applying them
 * as parameters. The arithmetic follows scikit-learn's scalers step by step (see spec docs).
 */
export const runFeatureScale: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const plan = planScale(input.columns ?? [], params);
  const first = plan.problems[0];
  if (first) throw new NodeError(`${first.param}: ${first.message}`);
  const from: SqlParams = { in: input.path };
  const names = plan.columns.map((c) => c.name);
  const x = (i: number) => `${quoteIdent(names[i])}::DOUBLE`;

  ctx.progress(0.1, `fitting ${names.length} column(s)`);
  let columns: ScaleColumnState[];
  if (plan.method === 'standard') {
    // Two passes, as scikit-learn's _incremental_mean_and_var: the mean (compensated sum), then
    // the squared deviations with the rounding correction sum(d)^2 / n.
    const means = names.map((_, i) => `fsum(${x(i)}) / count(${x(i)}) AS m${i}`);
    const devs = names.map(
      (_, i) => `count(${x(i)}) AS n${i}, fsum((${x(i)} - m${i}) * (${x(i)} - m${i})) AS ss${i}, fsum(${x(i)} - m${i}) AS sd${i}`,
    );
    const [row] = await ctx.db.objects(
      `WITH mu AS (SELECT ${means.join(', ')} FROM ${INPUT_RELATION})
       SELECT ${names.map((_, i) => `any_value(m${i}) AS m${i}`).join(', ')}, ${devs.join(', ')} FROM ${INPUT_RELATION}, mu`,
      from,
    );
    const withMean = params.with_mean !== false;
    const withStd = params.with_std !== false;
    columns = names.map((name, i) => {
      const n = Number(row[`n${i}`]);
      const mean = statistic(row[`m${i}`], name, 'mean');
      const sd = Number(row[`sd${i}`]);
      const variance = statistic((Number(row[`ss${i}`]) - (sd * sd) / n) / n, name, 'variance');
      // scikit-learn's _is_constant_feature, then _handle_zeros_in_scale.
      const constant = variance <= n * EPS * variance + (n * mean * EPS) ** 2;
      const std = Math.sqrt(variance);
      const scale = constant || std < 10 * EPS ? 1 : std;
      return { name, center: withMean ? mean : null, scale: withStd ? scale : null, stats: { mean, var: variance, n } };
    });
  } else if (plan.method === 'minmax') {
    const parts = names.map((_, i) => `min(${x(i)}) AS lo${i}, max(${x(i)}) AS hi${i}`);
    const [row] = await ctx.db.objects(`SELECT ${parts.join(', ')} FROM ${INPUT_RELATION}`, from);
    const [rangeMin, rangeMax] = plan.featureRange;
    columns = names.map((name, i) => {
      const dataMin = statistic(row[`lo${i}`], name, 'minimum');
      const dataMax = statistic(row[`hi${i}`], name, 'maximum');
      const dataRange = dataMax - dataMin;
      const scale = (rangeMax - rangeMin) / (dataRange < 10 * EPS ? 1 : dataRange);
      return { name, center: null, scale, min: rangeMin - dataMin * scale, stats: { data_min: dataMin, data_max: dataMax } };
    });
  } else {
    const [lo, hi] = plan.quantileRange;
    const sqlParams: SqlParams = { ...from, qlo: lo / 100, qhi: hi / 100 };
    const parts = names.map(
      (_, i) => `quantile_cont(${x(i)}, 0.5) AS c${i}, quantile_cont(${x(i)}, $qlo) AS lo${i}, quantile_cont(${x(i)}, $qhi) AS hi${i}`,
    );
    const [row] = await ctx.db.objects(`SELECT ${parts.join(', ')} FROM ${INPUT_RELATION}`, sqlParams);
    columns = names.map((name, i) => {
      const median = statistic(row[`c${i}`], name, 'median');
      const qLow = statistic(row[`lo${i}`], name, `${lo}th percentile`);
      const qHigh = statistic(row[`hi${i}`], name, `${hi}th percentile`);
      const spread = qHigh - qLow;
      const scale = spread < 10 * EPS ? 1 : spread;
      return {
        name,
        center: params.with_centering === false ? null : median,
        scale: params.with_scaling === false ? null : scale,
        stats: { median, q_low: qLow, q_high: qHigh },
      };
    });
  }
  const state: ScaleState = { method: plan.method, columns };

  const sqlParams: SqlParams = { ...from };
  const byName = new Map(columns.map((c, i) => [c.name, { c, i }]));
  const select = (input.columns ?? []).map(({ name }) => {
    const hit = byName.get(name);
    const col = quoteIdent(name);
    if (!hit) return col;
    const { c, i } = hit;
    let expr = `${col}::DOUBLE`;
    if (plan.method === 'minmax') {
      sqlParams[`s${i}`] = c.scale!;
      sqlParams[`m${i}`] = c.min!;
      expr = `${expr} * $s${i}::DOUBLE + $m${i}::DOUBLE`;
    } else {
      if (c.center !== null) {
        sqlParams[`c${i}`] = c.center;
        expr = `(${expr} - $c${i}::DOUBLE)`;
      }
      if (c.scale !== null) {
        sqlParams[`s${i}`] = c.scale;
        expr = `${expr} / $s${i}::DOUBLE`;
      }
    }
    return `(${expr})::DOUBLE AS ${col}`;
  });

  return writeFittedTable(ctx, input, { spec: featureScaleSpec, params, state }, select, sqlParams);
};

/** A fitted statistic as a finite number, or an error naming the column. */
function statistic(v: unknown, column: string, what: string): number {
  if (v === null || v === undefined) throw new NodeError(`columns: column "${column}" has no value to learn its ${what} from (every value is missing)`);
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new NodeError(`columns: the ${what} of column "${column}" is ${String(v)}: remove its infinite or NaN values first`);
  return n;
}
