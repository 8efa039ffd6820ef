import type { CompiledExpression } from '../../src-shared/expr/compile.js';
import type { SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION } from '../../src-main/data/tables.js';
import { NodeError, type RunContext } from '../../src-main/engine/node-runner.js';

/**
 * The main-side helpers of the nodes that evaluate an expression (feature.derive,
 * feature.filter): counting the rows where the math was undefined, and turning a DuckDB failure
 * while evaluating into a message for the user.
 */

/**
 * One warning per guard that fired (a division by zero, the square root of a negative
 * number...), with the number of rows, where in the expression, and `consequence`.
 */
export async function countGuards(ctx: RunContext, compiled: CompiledExpression, inputPath: string, consequence: string): Promise<string[]> {
  if (compiled.guards.length === 0) return [];
  const counts = compiled.guards.map((g, i) => `count(*) FILTER (WHERE ${g.sql})::BIGINT AS g${i}`);
  // Only the parameters the guards use: DuckDB refuses a value for a parameter a statement lacks.
  const params: SqlParams = Object.assign({ in: inputPath }, ...compiled.guards.map((g) => g.params));
  const [row] = await ctx.db.objects(`SELECT ${counts.join(', ')} FROM ${INPUT_RELATION}`, params);
  return compiled.guards.flatMap((g, i) => {
    const n = Number(row[`g${i}`]);
    return n > 0 ? [`${n} row${n === 1 ? '' : 's'}: ${g.message} (expression:${g.line}:${g.column}); ${consequence}`] : [];
  });
}

/** Runs `work`, turning a DuckDB error (an overflow, say) into a NodeError that says it came from the expression. */
export async function evaluating<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Error && !(e instanceof NodeError) && /^[A-Z][A-Za-z ]*Error: /.test(e.message)) {
      throw new NodeError(`expression: could not be computed: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
}
