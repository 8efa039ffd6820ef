import { z } from 'zod';
import type { NodeSpec, ParamSpec, ParamValues } from './spec.js';

const schemas = new WeakMap<ParamSpec, z.ZodType>();

/** The zod schema of one declared param; the single source for forms and validation. */
export function paramSchema(p: ParamSpec): z.ZodType {
  // Specs are immutable data, and building a zod schema costs more than using one.
  let schema = schemas.get(p);
  if (!schema) {
    schema = buildParamSchema(p);
    schemas.set(p, schema);
  }
  return schema;
}

function buildParamSchema(p: ParamSpec): z.ZodType {
  switch (p.kind) {
    case 'string':
    case 'path':
    case 'column':
      return p.required ? z.string().min(1, 'is required') : z.string();
    case 'number': {
      let s = z.number().refine(Number.isFinite, 'must be a finite number');
      if (p.integer) s = s.refine(Number.isInteger, 'must be a whole number');
      if (p.min !== undefined) s = s.refine((v) => v >= p.min!, `must be at least ${p.min}`);
      if (p.max !== undefined) s = s.refine((v) => v <= p.max!, `must be at most ${p.max}`);
      return s;
    }
    case 'boolean':
      return z.boolean();
    case 'enum': {
      const values = p.options.map((o) => o.value);
      return z.string().refine((v) => values.includes(v), `must be one of ${values.join(', ')}`);
    }
    case 'stringList':
    case 'columns':
      return z.array(z.string());
    case 'json': {
      const json = z.json({ error: 'must be plain JSON data (objects, arrays, strings, numbers, booleans, null)' });
      return p.schema ? json.pipe(p.schema as z.ZodType<unknown, z.core.util.JSONType>) : json;
    }
  }
}

export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

/**
 * Checks params against the spec. Defaults fill missing optional params; an unknown key is a
 * problem rather than silently ignored, since it usually means a typo in a hand-edited file.
 */
export function validateParams(spec: NodeSpec, params: ParamValues): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const declared = new Map(spec.params.map((p) => [p.name, p]));
  for (const key of Object.keys(params)) {
    if (!declared.has(key)) problems.push({ param: key, message: `unknown param "${key}"` });
  }
  for (const p of spec.params) {
    const value = params[p.name] ?? p.default;
    if (value === undefined) {
      if (p.required) problems.push({ param: p.name, message: `${p.label} is required` });
      continue;
    }
    const result = paramSchema(p).safeParse(value);
    if (result.success) continue;
    if (p.kind === 'json') {
      // Structured values can be wrong in several places at once: say where, each time.
      for (const issue of result.error.issues.slice(0, JSON_ISSUES_SHOWN)) {
        const where = issue.path.length > 0 ? `: ${p.name}${pathText(issue.path)}` : '';
        problems.push({ param: p.name, message: `${p.label}${where} ${issueText(issue)}` });
      }
      const more = result.error.issues.length - JSON_ISSUES_SHOWN;
      if (more > 0) problems.push({ param: p.name, message: `${p.label}: ${more} more problem${more === 1 ? '' : 's'}` });
      continue;
    }
    const msg = result.error.issues[0]?.message ?? 'is invalid';
    problems.push({ param: p.name, message: `${p.label} ${humanize(msg)}` });
  }
  return problems;
}

/** How many problems of one json param are listed before "N more". */
const JSON_ISSUES_SHOWN = 10;

/** `[2].min` for the path [2, 'min'] inside a json param's value. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}`;
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is required';
  return humanize(issue.message);
}

function humanize(zodMessage: string): string {
  // zod's type errors read "Invalid input: expected number, received string"; ours read "is ...".
  const m = /expected (\w+), received (\w+)/.exec(zodMessage);
  if (m) return `must be a ${m[1]} (got a ${m[2]})`;
  return zodMessage;
}
