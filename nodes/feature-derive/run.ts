import type { TableMeta } from '../../src-shared/nodes/chain.js';
import { withStep } from '../../src-shared/nodes/chain.js';
import { quoteIdent } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { countGuards, evaluating } from './expression.js';
import { planDerive } from './spec.js';

export const runFeatureDerive: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const plan = planDerive(input.columns ?? [], params);
  if (plan.problems.length > 0 || !plan.compiled || !plan.columns) {
    throw new NodeError(plan.problems.map((p) => p.message).join('; ') || 'expression: nothing to compute');
  }
  const { compiled } = plan;
  const name = String(params.name);
  const derived = `${compiled.sql} AS ${quoteIdent(name)}`;
  const list = (input.columns ?? []).map((c) => (c.name === plan.replaces ? derived : quoteIdent(c.name)));
  if (!plan.replaces) list.push(derived);
  const sqlParams = { ...compiled.params, in: input.path };
  // A row-wise transform: a step of the preprocessing chain, with the normalised expression so
  // that serving can replay it on raw rows.
  const meta = withStep(input.meta as TableMeta | undefined, {
    type: 'feature.derive',
    version: 1,
    node: ctx.nodeId,
    params: { ...params },
    // `inputs` types the tree again at replay (src-shared/transforms/derive.ts documents the step).
    state: {
      expression: compiled.canonical,
      ast: compiled.ast,
      type: compiled.type,
      columns: compiled.columns,
      inputs: compiled.columns.map((name) => ({ name, type: (input.columns ?? []).find((c) => c.name === name)!.type })),
    },
  });
  return evaluating(async () => {
    ctx.progress(0.1, `computing ${name}`);
    const out = await writeTable(ctx, `SELECT ${list.join(', ')} FROM ${INPUT_RELATION}`, sqlParams, { ...meta });
    const [{ nulls }] = await ctx.db.objects(`SELECT (count(*) - count(${quoteIdent(name)}))::BIGINT AS nulls FROM read_parquet($out)`, { out: out.file });
    ctx.log(
      'info',
      `${plan.replaces ? 'replaced' : 'added'} column "${name}" (${compiled.type}) = ${compiled.canonical}; ${Number(nulls)} of ${out.rows} values are null`,
    );
    for (const warning of await countGuards(ctx, compiled, input.path, `"${name}" is null there`)) ctx.log('warn', warning);
    ctx.progress(1);
    return { out };
  });
};
