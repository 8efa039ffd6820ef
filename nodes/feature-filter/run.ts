import { compileParam } from '../../src-shared/expr/param.js';
import type { SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { countGuards, evaluating } from '../feature-derive/expression.js';
import { notACondition } from './spec.js';

export const runFeatureFilter: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const { compiled, problems } = compileParam(params.expression, input.columns ?? [], 'expression');
  if (problems.length > 0) throw new NodeError(problems.map((p) => p.message).join('; '));
  if (!compiled) throw new NodeError('expression: the condition is empty');
  if (compiled.family !== 'boolean') throw new NodeError(notACondition(compiled.family ?? 'unknown'));

  const sqlParams: SqlParams = { ...compiled.params, in: input.path };
  const condition = compiled.sql;
  // The input's metadata (its preprocessing chain) passes through: a filter is not a chain step.
  const meta = input.meta;
  return evaluating(async () => {
    ctx.progress(0.1, 'filtering');
    const out = await writeTable(ctx, `SELECT * FROM ${INPUT_RELATION} WHERE (${condition}) IS TRUE`, sqlParams, meta);
    ctx.progress(0.5, 'writing the removed rows');
    const rejected = await writeTable(ctx, `SELECT * FROM ${INPUT_RELATION} WHERE (${condition}) IS NOT TRUE`, sqlParams, meta);
    const total = out.rows + rejected.rows;
    if (input.rows !== undefined && total !== input.rows) {
      throw new Error(`filter lost rows: ${out.rows} kept + ${rejected.rows} removed, but the input has ${input.rows}`);
    }
    const [{ unknown }] = await ctx.db.objects(
      `SELECT count(*) FILTER (WHERE (${condition}) IS NULL)::BIGINT AS "unknown" FROM ${INPUT_RELATION}`,
      sqlParams,
    );
    const nulls = Number(unknown);
    ctx.log('info', `kept ${out.rows} of ${total} rows; removed ${rejected.rows}${nulls > 0 ? ` (${nulls} of them because the condition was null)` : ''}`);
    for (const warning of await countGuards(ctx, compiled, input.path, 'the condition is null there, so those rows are removed')) {
      ctx.log('warn', warning);
    }
    ctx.metric('rows_in', total);
    ctx.metric('rows_kept', out.rows);
    ctx.metric('rows_removed', rejected.rows);
    ctx.progress(1);
    return { out, rejected };
  });
};
