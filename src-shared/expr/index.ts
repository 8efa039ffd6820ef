/**
 * Plumb's expression language: a small, safe language for derived columns and row filters that
 * compiles to DuckDB SQL with parameters. Pure TypeScript (no eval, no Function, no Node): a
 * hand-written tokenizer and Pratt parser, a type checker against a table's columns, and a
 * compiler whose SQL holds quoted identifiers and `$p0`-style parameters only.
 *
 *   numbers 12 3.5 1e-3, 'text' ('' for a quote), true, false, null
 *   columns: tenure, home.dest, [monthly charges] (]] for a bracket)
 *   + - * / %   = != < <= > >=   and or not   x is [not] null   x [not] in (a, b)   ( )
 *   if(cond, a, b) and the functions in functions.ts
 */
export type { Expr, Span } from './ast.js';
export { stripSpans } from './ast.js';
export { compileAst, compileExpression, columnExprType, familyOf, paramsIn } from './compile.js';
export type { CompileOptions, CompileResult, CompiledExpression, ExprFamily, ExprGuard, ExprParamValue, ExprSqlType } from './compile.js';
export { compileParam } from './param.js';
export type { ParamProblem } from './param.js';
export { closest, formatExprError, formatExprErrorWithCaret } from './errors.js';
export type { ExprError } from './errors.js';
export { EXPRESSION_DOCS } from './docs.js';
export { DATE_DIFF_UNITS, FUNCTIONS, functionsMarkdown } from './functions.js';
export { MAX_DEPTH, MAX_EXPRESSION_LENGTH, parse } from './parse.js';
export { printColumn, printExpr } from './print.js';
export { quoteIdent } from './sql.js';
export { ExprSyntaxError, tokenize } from './tokenize.js';
