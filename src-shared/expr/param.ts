import type { ColumnSchema } from '../nodes/spec.js';
import { compileExpression, type CompileOptions, type CompiledExpression } from './compile.js';
import { formatExprError } from './errors.js';

export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

/**
 * An expression param of a node, compiled against the input's columns (undefined before a run
 * when they are not known): the compiled expression, or the problems to report on that param,
 * each reading `expression:1:7: unknown column "tenur" (did you mean "tenure"?)`. A missing or
 * empty value gives neither: param validation already reports a required param left empty.
 */
export function compileParam(
  value: unknown,
  columns: readonly ColumnSchema[] | undefined,
  param: string,
  options: CompileOptions = {},
): { compiled?: CompiledExpression; problems: ParamProblem[] } {
  if (typeof value !== 'string' || value.trim() === '') return { problems: [] };
  const result = compileExpression(value, columns, options);
  if (!result.ok) return { problems: result.errors.map((e) => ({ param, message: formatExprError(e, param) })) };
  return { compiled: result, problems: [] };
}
