/**
 * feature.derive replayed on one row (DESIGN.md section 6): the expression evaluated in
 * TypeScript with DuckDB's semantics (src-shared/expr/evaluate.ts), the new column appended, or
 * put in place of the column it replaces.
 *
 * The step (plain JSON, for the ONNX export too):
 *   params: { name, expression, replace } as the node had them;
 *   state:  { expression: the canonical text, ast: the normalised tree (src-shared/expr/ast.ts),
 *             type: the column's type, columns: the input columns it reads, in first-use order,
 *             inputs: [{ name, type }] those columns with their DuckDB types (what types the tree) }.
 */
import type { Expr } from '../expr/ast.js';
import { rowEvaluator, type RowEvaluator } from '../expr/evaluate.js';
import type { ColumnSchema } from '../nodes/spec.js';
import { TransformError } from './common.js';

export interface DeriveState {
  readonly expression: string;
  readonly ast: Expr;
  readonly type: string;
  readonly columns: readonly string[];
  readonly inputs?: readonly ColumnSchema[];
}

// One evaluator per step, not per row: building one types the whole tree.
const evaluators = new WeakMap<DeriveState, RowEvaluator>();

function evaluatorOf(state: DeriveState): RowEvaluator {
  let ev = evaluators.get(state);
  if (!ev) {
    if (!Array.isArray(state.inputs)) {
      throw new TransformError(`the derived column "${state.expression}" was recorded without its input types (by an older Plumb): run the pipeline again with --force`);
    }
    ev = rowEvaluator(state.ast, state.inputs);
    evaluators.set(state, ev);
  }
  return ev;
}

export function applyDerive(state: DeriveState, params: Readonly<Record<string, unknown>>, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const name = String(params.name);
  let value: unknown;
  try {
    value = evaluatorOf(state).evaluate(row);
  } catch (e) {
    if (e instanceof TransformError) throw e;
    throw new TransformError(`derived column "${name}" = ${state.expression}: ${(e as Error).message}`);
  }
  // The node replaces a column whose name matches without regard to case, keeping its position.
  const replaced = params.replace === true ? Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase()) : undefined;
  if (replaced === undefined) return { ...row, [name]: value };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === replaced) out[name] = value;
    else out[k] = v;
  }
  return out;
}
