import { compileExpression, type ExprError } from '../../../src-shared/expr/index.js';
import { validateParams } from '../../../src-shared/nodes/params.js';
import { withDefaults, type ColumnSchema, type NodeSpec, type ParamSpec, type ParamValues, type SchemaMap } from '../../../src-shared/nodes/spec.js';
import { textToParam } from './param-text.js';

export interface DraftCheck {
  /** What would be stored for the text as typed (undefined: the param is removed, its default applies). */
  readonly value: unknown;
  /** Every problem the stored value would give on this param, as the graph check words them. */
  readonly problems: readonly string[];
  /** For an expression: where each error is, to point at it under the text. */
  readonly exprErrors: readonly ExprError[];
}

/**
 * Validation as you type: the problems a param's draft text would have once committed, from the
 * same sources the graph check uses (the param's zod schema and the spec's inferSchema against the
 * known input columns), so what the field says while typing is what the node says after Enter.
 */
export function checkDraft(spec: NodeSpec, param: ParamSpec, params: ParamValues, text: string, inputs: SchemaMap): DraftCheck {
  const value = textToParam(param, text);
  const draft: Record<string, unknown> = { ...params };
  if (value === undefined) delete draft[param.name];
  else draft[param.name] = value;
  return checkValue(spec, param, draft, inputs, param.kind === 'string' && param.syntax === 'expression' ? text : undefined);
}

/** The problems of a param given the node's params with its new value in place. */
export function checkValue(spec: NodeSpec, param: ParamSpec, params: ParamValues, inputs: SchemaMap, expression?: string): DraftCheck {
  const problems = validateParams(spec, params)
    .filter((p) => p.param === param.name)
    .map((p) => p.message);
  // A value of the wrong type would only make inferSchema repeat (or trip over) the same problem.
  if (problems.length === 0 && spec.inferSchema) {
    try {
      for (const p of spec.inferSchema(inputs, withDefaults(spec, params)).problems ?? []) {
        if (p.param === param.name && !problems.includes(p.message)) problems.push(p.message);
      }
    } catch (e) {
      problems.push(`could not check it: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let exprErrors: readonly ExprError[] = [];
  if (expression !== undefined && expression.trim() !== '') {
    const compiled = compileExpression(expression, firstTableColumns(inputs));
    if (!compiled.ok) exprErrors = compiled.errors;
  }
  return { value: params[param.name], problems, exprErrors };
}

function firstTableColumns(inputs: SchemaMap): readonly ColumnSchema[] | undefined {
  for (const schema of Object.values(inputs)) if (schema?.kind === 'table') return schema.columns;
  return undefined;
}

/** A number param's allowed range in words, for the field's hint: "0 to 1", "at least 1, whole". */
export function rangeText(param: Extract<ParamSpec, { kind: 'number' }>): string | undefined {
  const parts: string[] = [];
  if (param.min !== undefined && param.max !== undefined) parts.push(`${param.min} to ${param.max}`);
  else if (param.min !== undefined) parts.push(`at least ${param.min}`);
  else if (param.max !== undefined) parts.push(`at most ${param.max}`);
  if (param.integer) parts.push('whole number');
  return parts.length > 0 ? parts.join(', ') : undefined;
}
