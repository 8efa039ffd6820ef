import type { TableMeta } from '../../src-shared/nodes/chain.js';
import { withStep } from '../../src-shared/nodes/chain.js';
import { quoteIdent } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { planSelect, type SelectOutput } from './spec.js';

/** How many failing columns a message details before it says "and N more". */
const NAMED = 3;

export const runFeatureSelect: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const columns = input.columns ?? [];
  const plan = planSelect(columns, params);
  if (!plan.outputs) throw new NodeError(plan.problems.map((p) => `${p.param}: ${p.message}`).join('; '));
  const outputs = plan.outputs;
  const lenient = params.onCastError === 'null';

  // Count the values each cast would fail on before casting, so a failure names the column and
  // a value (DuckDB's own error names neither reliably).
  const casts = outputs.filter((o) => o.cast !== undefined && o.cast !== columns.find((c) => c.name === o.source)?.type);
  const failures = casts.length > 0 ? await castFailures(ctx, input.path, casts, !columns.some((c) => c.name === 'file_row_number')) : [];
  if (failures.length > 0) {
    const lines = failures.map(
      (f) => `column "${f.column.source}" to ${f.column.cast}: ${f.count} value${f.count === 1 ? '' : 's'} do${f.count === 1 ? 'es' : ''} not convert, e.g. ${JSON.stringify(f.example)}${f.row !== undefined ? ` (row ${f.row})` : ''}`,
    );
    if (!lenient) {
      const rest = lines.length - NAMED;
      const more = rest > 0 ? `; and ${rest} more column${rest === 1 ? '' : 's'}` : '';
      throw new NodeError(`cannot cast ${lines.slice(0, NAMED).join('; ')}${more}. Set "On cast error" to null to make such values null.`);
    }
    for (const line of lines) ctx.log('warn', `cast ${line}: made null`);
  }

  // A value that TRY_CAST cannot convert becomes NULL; in fail mode none is left (counted above).
  const list = outputs.map((o) => {
    const source = quoteIdent(o.source);
    const value = o.cast ? `${lenient ? 'TRY_CAST' : 'CAST'}(${source} AS ${o.cast})` : source;
    return `${value} AS ${quoteIdent(o.name)}`;
  });
  // The output columns with their source types: what replaying the step needs (src-shared/transforms/select.ts).
  const state = {
    outputs: outputs.map((o) => ({ source: o.source, name: o.name, from: columns.find((c) => c.name === o.source)!.type, ...(o.cast ? { cast: o.cast } : {}) })),
    onCastError: lenient ? 'null' : 'fail',
  };
  const meta = withStep(input.meta as TableMeta | undefined, { type: 'feature.select', version: 1, node: ctx.nodeId, params: { ...params }, state });
  ctx.progress(0.3, 'writing table');
  const out = await writeTable(ctx, `SELECT ${list.join(', ')} FROM ${INPUT_RELATION}`, { in: input.path }, { ...meta });
  const renamed = outputs.filter((o) => o.name !== o.source).length;
  ctx.log(
    'info',
    `kept ${outputs.length} of ${columns.length} columns` +
      (renamed > 0 ? `, renamed ${renamed}` : '') +
      (casts.length > 0 ? `, cast ${casts.length}` : ''),
  );
  ctx.progress(1);
  return { out };
};

interface CastFailure {
  readonly column: SelectOutput;
  readonly count: number;
  readonly example: string;
  /** 1-based row of the first failing value, when known. */
  readonly row?: number;
}

/** Per cast column, the values that are not null but do not convert: how many, the first, and its row. */
async function castFailures(ctx: Parameters<NodeRunFn>[0], path: string, casts: readonly SelectOutput[], withRows: boolean): Promise<CastFailure[]> {
  const parts = casts.flatMap((o, i) => {
    const col = quoteIdent(o.source);
    // The type is one of planSelect's allow-listed names, never user text.
    const fails = `${col} IS NOT NULL AND TRY_CAST(${col} AS ${o.cast}) IS NULL`;
    return [
      `count(*) FILTER (WHERE ${fails})::BIGINT AS n${i}`,
      withRows
        ? `arg_min(CAST(${col} AS VARCHAR), file_row_number) FILTER (WHERE ${fails}) AS e${i}`
        : `first(CAST(${col} AS VARCHAR)) FILTER (WHERE ${fails}) AS e${i}`,
      ...(withRows ? [`min(file_row_number) FILTER (WHERE ${fails})::BIGINT AS r${i}`] : []),
    ];
  });
  const from = withRows ? 'read_parquet($in, file_row_number = true)' : INPUT_RELATION;
  const [row] = await ctx.db.objects(`SELECT ${parts.join(', ')} FROM ${from}`, { in: path });
  return casts.flatMap((column, i) => {
    const count = Number(row[`n${i}`]);
    if (count === 0) return [];
    return [{ column, count, example: String(row[`e${i}`]), ...(withRows ? { row: Number(row[`r${i}`]) + 1 } : {}) }];
  });
}
