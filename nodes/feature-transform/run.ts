import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeFittedTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext } from '../../src-main/engine/node-runner.js';
import {
  scipyBrent,
  SPACING_1,
  yeoJohnsonNegLogLikelihood,
  type Minimization,
  type TransformColumnState,
  type TransformState,
} from '../../src-shared/transforms/transform.js';
import { featureTransformSpec, planTransform } from './spec.js';

const EPS = 2 ** -52;

/**
 * feature.transform: log1p and sqrt check their domain with one SQL min; Yeo-Johnson fits one
 * lambda per column with scipy's Brent steps, every column's log-likelihood of a step evaluated
 * in one SQL aggregate over the input. The output is one projection with lambdas as parameters.
 */
export const runFeatureTransform: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const plan = planTransform(input.columns ?? [], params);
  const first = plan.problems[0];
  if (first) throw new NodeError(`${first.param}: ${first.message}`);
  const names = plan.columns.map((c) => c.name);
  const from: SqlParams = { in: input.path };

  let columns: TransformColumnState[];
  if (plan.method === 'yeo-johnson') {
    columns = await fitYeoJohnson(ctx, names, from, plan.standardize);
  } else {
    ctx.progress(0.1, 'checking the domain');
    const [row] = await ctx.db.objects(`SELECT ${names.map((n, i) => `min(${quoteIdent(n)}::DOUBLE) AS lo${i}`).join(', ')} FROM ${INPUT_RELATION}`, from);
    names.forEach((name, i) => {
      const lo = row[`lo${i}`];
      if (lo !== null && lo !== undefined && Number(lo) < 0) {
        throw new NodeError(`columns: column "${name}" has negative values (min ${String(lo)}): ${plan.method} needs values >= 0 (use yeo-johnson)`);
      }
    });
    columns = names.map((name) => ({ name }));
  }
  const state: TransformState = { method: plan.method, standardize: plan.standardize, columns };

  const sqlParams: SqlParams = { ...from };
  const byName = new Map(columns.map((c, i) => [c.name, { c, i }]));
  const select = (input.columns ?? []).map(({ name }) => {
    const hit = byName.get(name);
    const col = quoteIdent(name);
    if (!hit) return col;
    const { c, i } = hit;
    const x = `${col}::DOUBLE`;
    let expr: string;
    if (plan.method === 'log1p') expr = `ln(1 + ${x})`;
    else if (plan.method === 'sqrt') expr = `sqrt(${x})`;
    else {
      sqlParams[`l${i}`] = c.lambda!;
      expr = yeoJohnsonSql(x, `$l${i}::DOUBLE`, c.lambda!);
      if (plan.standardize) {
        sqlParams[`m${i}`] = c.mean!;
        sqlParams[`s${i}`] = c.scale!;
        expr = `((${expr}) - $m${i}::DOUBLE) / $s${i}::DOUBLE`;
      }
    }
    return `(${expr})::DOUBLE AS ${col}`;
  });

  return writeFittedTable(ctx, input, { spec: featureTransformSpec, params, state }, select, sqlParams, 0.8);
};

/**
 * scikit-learn's _yeo_johnson_transform as SQL. The branch for lambda = 0 or 2 is chosen here
 * from its value (as the replay does), the value itself travels as the parameter `lambda`.
 */
function yeoJohnsonSql(x: string, lambda: string, value: number): string {
  const pos = Math.abs(value) < SPACING_1 ? `ln(1 + ${x})` : `(pow(${x} + 1, ${lambda}) - 1) / ${lambda}`;
  const neg = Math.abs(value - 2) > SPACING_1 ? `-(pow(-(${x}) + 1, 2 - ${lambda}) - 1) / (2 - ${lambda})` : `-ln(1 - ${x})`;
  return `CASE WHEN ${x} >= 0 THEN ${pos} ELSE ${neg} END`;
}

async function fitYeoJohnson(ctx: RunContext, names: readonly string[], from: SqlParams, standardize: boolean): Promise<TransformColumnState[]> {
  const x = (i: number) => `${quoteIdent(names[i])}::DOUBLE`;
  // What does not depend on lambda: the count and sum(sign(x) * log1p(|x|)) of each column.
  const [fixed] = await ctx.db.objects(
    `SELECT ${names.map((_, i) => `count(${x(i)}) AS n${i}, fsum(sign(${x(i)}) * ln(1 + abs(${x(i)}))) AS s${i}`).join(', ')} FROM ${INPUT_RELATION}`,
    from,
  );
  const n = names.map((name, i) => {
    const count = Number(fixed[`n${i}`]);
    if (count === 0) throw new NodeError(`columns: column "${name}" has no value to fit a Yeo-Johnson lambda on (every value is missing)`);
    return count;
  });
  const signedLogSum = names.map((name, i) => {
    const s = Number(fixed[`s${i}`]);
    if (!Number.isFinite(s)) throw new NodeError(`columns: column "${name}" holds infinite or NaN values: remove them before fitting Yeo-Johnson`);
    return s;
  });

  // Every column's search advances one step per query: the query evaluates each pending lambda.
  const searches: Minimization[] = names.map(() => scipyBrent(-2, 2));
  const lambdas: number[] = new Array<number>(names.length).fill(NaN);
  let pending = searches.map((s, i) => ({ i, step: s.next(NaN) }));
  for (let round = 0; pending.some((p) => !p.step.done); round++) {
    const active = pending.filter((p) => !p.step.done);
    ctx.progress(Math.min(0.1 + round / 100, 0.6), `fitting lambdas (step ${round + 1})`);
    const sqlParams: SqlParams = { ...from };
    const ys = active.map(({ i, step }) => {
      sqlParams[`l${i}`] = step.value;
      return `${yeoJohnsonSql(x(i), `$l${i}::DOUBLE`, step.value)} AS y${i}`;
    });
    // numpy's var: the mean of the squared deviations from the mean (two passes).
    const [row] = await ctx.db.objects(
      `WITH t AS (SELECT ${ys.join(', ')} FROM ${INPUT_RELATION}),
            m AS (SELECT ${active.map(({ i }) => `avg(y${i}) AS a${i}`).join(', ')} FROM t)
       SELECT ${active.map(({ i }) => `avg((y${i} - a${i}) * (y${i} - a${i})) AS v${i}`).join(', ')} FROM t, m`,
      sqlParams,
    );
    pending = pending.map((p) => {
      if (p.step.done) return p;
      const variance = Number(row[`v${p.i}`] ?? NaN);
      const f = yeoJohnsonNegLogLikelihood(p.step.value, variance, n[p.i], signedLogSum[p.i]);
      return { i: p.i, step: searches[p.i].next(f) };
    });
  }
  pending.forEach((p) => (lambdas[p.i] = p.step.value));
  names.forEach((name, i) => {
    if (!Number.isFinite(lambdas[i])) throw new NodeError(`columns: could not fit a Yeo-Johnson lambda for column "${name}"`);
    ctx.log('info', `column "${name}": lambda = ${lambdas[i]}`);
  });
  if (!standardize) return names.map((name, i) => ({ name, lambda: lambdas[i] }));

  // The mean and std of the transformed values, as StandardScaler computes them (see feature.scale).
  ctx.progress(0.7, 'standardizing');
  const sqlParams: SqlParams = { ...from };
  const ys = names.map((_, i) => {
    sqlParams[`l${i}`] = lambdas[i];
    return `${yeoJohnsonSql(x(i), `$l${i}::DOUBLE`, lambdas[i])} AS y${i}`;
  });
  const [row] = await ctx.db.objects(
    `WITH t AS (SELECT ${ys.join(', ')} FROM ${INPUT_RELATION}),
          m AS (SELECT ${names.map((_, i) => `fsum(y${i}) / count(y${i}) AS m${i}`).join(', ')} FROM t)
     SELECT ${names.map((_, i) => `any_value(m${i}) AS m${i}, fsum((y${i} - m${i}) * (y${i} - m${i})) AS ss${i}, fsum(y${i} - m${i}) AS sd${i}`).join(', ')}
     FROM t, m`,
    sqlParams,
  );
  return names.map((name, i) => {
    const mean = Number(row[`m${i}`]);
    const sd = Number(row[`sd${i}`]);
    const variance = (Number(row[`ss${i}`]) - (sd * sd) / n[i]) / n[i];
    if (!Number.isFinite(mean) || !Number.isFinite(variance)) {
      throw new NodeError(`columns: the Yeo-Johnson transform of column "${name}" overflows (lambda ${lambdas[i]}): scale the column first`);
    }
    const constant = variance <= n[i] * EPS * variance + (n[i] * mean * EPS) ** 2;
    const std = Math.sqrt(variance);
    return { name, lambda: lambdas[i], mean, scale: constant || std < 10 * EPS ? 1 : std };
  });
}
