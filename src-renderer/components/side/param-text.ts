import type { ParamSpec } from '../../../src-shared/nodes/spec.js';

/**
 * How a param's value reads in a text box and back. Lists are comma-separated for now (column
 * pickers come with schema inference in the inspector).
 */
export function paramToText(spec: ParamSpec, value: unknown): string {
  const v = value === undefined ? spec.default : value;
  if (v === undefined || v === null) return '';
  if (spec.kind === 'json') return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/**
 * The value to store for what the user typed. Empty text falls back to the default (the param is
 * removed) where there is one. Text that is not a number is kept as typed, so the problem list
 * can say what is wrong instead of the edit vanishing.
 */
export function textToParam(spec: ParamSpec, text: string): unknown {
  const trimmed = text.trim();
  switch (spec.kind) {
    case 'number': {
      if (trimmed === '') return undefined;
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : text;
    }
    case 'stringList':
      // An empty entry is meaningful here (e.g. "" as a missing-value marker), so keep it.
      return trimmed === '' ? [] : text.split(',').map((s) => s.trim());
    case 'columns':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'string':
    case 'path':
    case 'column':
      return text === '' && spec.default !== undefined ? undefined : text;
    case 'boolean':
      return text === 'true';
    case 'enum':
      return text;
    case 'json':
      if (trimmed === '') return spec.default !== undefined ? undefined : null;
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        // Kept as typed: the problem list says it is not valid JSON, and nothing typed is lost.
        return text;
      }
  }
}
