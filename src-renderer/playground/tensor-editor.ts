import { TensorInput, type OnnxValueInfo } from '../../src-shared/api/contract.js';

/**
 * The tensor editor of a foreign model: each input is edited as JSON (nested arrays, or the
 * contract's `{type, dims, data}`), or as CSV when it is a matrix. Parsing checks what the
 * signature states (rank, fixed dimensions, element kind) so a wrong shape is named here, with
 * the input and the row, before the host is asked.
 */
export type TensorFormat = 'json' | 'csv';

export interface TensorDraft {
  readonly format: TensorFormat;
  readonly text: string;
}

type Scalar = number | string | boolean | null;
type Nested = Scalar | Nested[];

export type TensorParse = { readonly ok: true; readonly tensor: TensorInput } | { readonly ok: false; readonly error: string };

type ElementKind = 'number' | 'string' | 'bool';

function elementKind(info: OnnxValueInfo): ElementKind {
  if (info.elementType === 'string') return 'string';
  if (info.elementType === 'bool') return 'bool';
  return 'number';
}

/** The shape the editor starts from: open dimensions ("N", null) become 1, a missing shape a scalar row. */
export function concreteShape(info: OnnxValueInfo): number[] {
  if (!info.shape) return [1];
  return info.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
}

/** CSV is offered for matrices only: a row per line has no meaning for other ranks. */
export const isMatrix = (info: OnnxValueInfo): boolean => info.shape !== null && info.shape.length === 2;

function zeroOf(kind: ElementKind): Scalar {
  return kind === 'string' ? '' : kind === 'bool' ? false : 0;
}

function filled(shape: readonly number[], value: Scalar): Nested {
  if (shape.length === 0) return value;
  const [first, ...rest] = shape;
  return Array.from({ length: first }, () => filled(rest, value));
}

/** JSON with the innermost arrays on one line, so a [1, 3] input reads as one row of three. */
export function formatJson(value: Nested): string {
  const lines = (v: Nested, indent: string): string => {
    if (!Array.isArray(v)) return JSON.stringify(v);
    if (v.every((x) => !Array.isArray(x))) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + lines(x, inner)).join(',\n')}\n${indent}]`;
  };
  return lines(value, '');
}

/** Zeros of the input's type and shape, in the format asked for. */
export function zerosDraft(info: OnnxValueInfo, format: TensorFormat = isMatrix(info) ? 'csv' : 'json'): TensorDraft {
  const value = filled(concreteShape(info), zeroOf(elementKind(info)));
  if (format === 'csv' && isMatrix(info)) return { format, text: matrixToCsv(value as Scalar[][]) };
  return { format: 'json', text: formatJson(value) };
}

function shapeOf(value: Nested, path: string, name: string): number[] {
  if (!Array.isArray(value)) return [];
  if (value.length === 0) return [0];
  const inner = value.map((v, i) => shapeOf(v, `${path}[${i}]`, name));
  const first = inner[0];
  for (let i = 1; i < inner.length; i++) {
    if (inner[i].length !== first.length || inner[i].some((d, k) => d !== first[k])) {
      throw new Error(`${name}: ${path}[${i}] has shape [${inner[i].join(', ')}] but ${path}[0] has [${first.join(', ')}]; every row must be the same size`);
    }
  }
  return [value.length, ...first];
}

function countScalars(value: Nested): number {
  return Array.isArray(value) ? value.reduce<number>((n, v) => n + countScalars(v), 0) : 1;
}

function checkScalars(value: Nested, kind: ElementKind, name: string, type: string | null, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkScalars(v, kind, name, type, `${path}[${i}]`));
    return;
  }
  const ok =
    kind === 'string'
      ? typeof value === 'string'
      : kind === 'bool'
        ? typeof value === 'boolean'
        : // JSON has no NaN, Infinity or exact int64: those travel as strings.
          typeof value === 'number' || (typeof value === 'string' && /^([+-]?(Infinity|inf)|NaN|nan|[+-]?\d+)$/.test(value));
  if (!ok) throw new Error(`${name}${path}: ${JSON.stringify(value)} is not a ${type ?? kind} value`);
}

/** The dims the signature pins down must match: rank always, sizes where they are numbers. */
function checkShape(info: OnnxValueInfo, dims: readonly number[]): void {
  if (!info.shape) return;
  const expected = `[${info.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
  const fail = (): never => {
    throw new Error(`${info.name}: the model expects shape ${expected}, this is [${dims.join(', ')}]`);
  };
  if (dims.length !== info.shape.length) fail();
  info.shape.forEach((d, i) => {
    if (typeof d === 'number' && d >= 0 && dims[i] !== d) fail();
  });
}

function jsonError(e: unknown, text: string, name: string): string {
  const message = e instanceof Error ? e.message : String(e);
  // V8 quotes a snippet of the text after the reason ("Unexpected token ',', ...\"[4, 5,, 6]\" is
  // not valid JSON"); the reason alone reads better beside the editor. Older V8 gives a position.
  const reason = message.split(/, "|, \.\.\."| in JSON at position/)[0];
  const pos = /position (\d+)/.exec(message);
  if (!pos) return `${name}: not valid JSON (${reason})`;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${name}: not valid JSON at line ${line}, column ${column} (${reason})`;
}

/** Reads a JSON draft: nested arrays or `{type?, dims?, data}`. */
export function parseTensorJson(text: string, info: OnnxValueInfo): TensorParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: jsonError(e, text, info.name) };
  }
  const parsed = TensorInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: `${info.name}: write nested arrays such as [[1, 2, 3]], or {"dims": [1, 3], "data": [1, 2, 3]}` };
  }
  const tensor = parsed.data;
  try {
    const data = (Array.isArray(tensor) ? tensor : tensor.data) as Nested;
    checkScalars(data, elementKind(info), info.name, info.elementType);
    if (Array.isArray(tensor)) {
      checkShape(info, shapeOf(tensor as Nested, '', info.name));
    } else if (tensor.dims) {
      const count = tensor.dims.reduce((a, b) => a * b, 1);
      const flat = countScalars(data);
      if (count !== flat) throw new Error(`${info.name}: dims [${tensor.dims.join(', ')}] hold ${count} values, data has ${flat}`);
      checkShape(info, tensor.dims);
    } else {
      checkShape(info, shapeOf(data, '', info.name));
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true, tensor };
}

/** One CSV line into fields: commas separate, double quotes protect commas and quotes ("" is one "). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function csvCell(cell: string, kind: ElementKind, where: string): Scalar {
  const t = cell.trim();
  if (kind === 'string') return cell;
  if (kind === 'bool') {
    if (/^(true|1)$/i.test(t)) return true;
    if (/^(false|0)$/i.test(t)) return false;
    throw new Error(`${where}: "${cell}" is not true or false`);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const n = Number(t);
    // An int64 beyond 2^53 keeps its digits as a string; the host reads it exactly.
    return Number.isSafeInteger(n) || !/^[+-]?\d+$/.test(t) ? n : t;
  }
  if (/^([+-]?(Infinity|inf)|NaN|nan)$/.test(t)) return t;
  throw new Error(`${where}: "${cell}" is not a number`);
}

/** Reads a CSV draft of a matrix input: one line per row, no header. */
export function parseTensorCsv(text: string, info: OnnxValueInfo): TensorParse {
  const kind = elementKind(info);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, error: `${info.name}: the CSV is empty; write one row per line` };
  try {
    const rows = lines.map((line, r) => splitCsvLine(line).map((cell, c) => csvCell(cell, kind, `${info.name}, row ${r + 1}, column ${c + 1}`)));
    const width = rows[0].length;
    const bad = rows.findIndex((row) => row.length !== width);
    if (bad >= 0) throw new Error(`${info.name}: row ${bad + 1} has ${rows[bad].length} values, row 1 has ${width}`);
    checkShape(info, [rows.length, width]);
    return { ok: true, tensor: rows };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function parseTensorDraft(draft: TensorDraft, info: OnnxValueInfo): TensorParse {
  if (draft.format === 'csv') {
    if (!isMatrix(info)) return { ok: false, error: `${info.name}: CSV is for 2-D inputs; this one is not, use JSON` };
    return parseTensorCsv(draft.text, info);
  }
  return parseTensorJson(draft.text, info);
}

function csvField(v: Scalar): string {
  // An empty string is written "" so that a row of them is not a blank (skipped) line.
  if (v === '') return '""';
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function matrixToCsv(rows: readonly (readonly Scalar[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\n');
}

/** Switches a draft's format, keeping its values; a draft that does not parse stays as it is (with the reason). */
export function convertDraft(draft: TensorDraft, info: OnnxValueInfo, format: TensorFormat): { draft: TensorDraft; error?: string } {
  if (draft.format === format) return { draft };
  const parsed = parseTensorDraft(draft, info);
  if (!parsed.ok) return { draft, error: parsed.error };
  if (format === 'json') return { draft: { format, text: formatJson(parsed.tensor as Nested) } };
  if (!isMatrix(info)) return { draft, error: `${info.name}: CSV is for 2-D inputs; this one is not` };
  const tensor = parsed.tensor;
  const nested = Array.isArray(tensor) ? (tensor as Nested[]) : null;
  if (!nested || !nested.every(Array.isArray)) return { draft, error: `${info.name}: only nested arrays (rows of values) convert to CSV` };
  return { draft: { format, text: matrixToCsv(nested as Scalar[][]) } };
}
