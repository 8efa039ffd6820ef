import * as ort from 'onnxruntime-node';
import type { OnnxSignature, OnnxValueInfo, TensorInput, TensorOutput } from '../../src-shared/api/contract.js';
import { CsvQuoteError, parseCsvText } from '../../src-shared/csv/parse-csv.js';
import { BIGINT_RANGES, INT_RANGES, isBigIntType, ORT_TYPES, ortType, type OrtType } from './element-types.js';
import { InferenceError } from './errors.js';
import { fromHalfBits, toHalfBits } from './float16.js';

/**
 * The tensor editor's format (JSON, or CSV) <-> ort.Tensor, and the checks of a set of feeds
 * against a model's signature. Every message names the input, and the element when it is one.
 */

type Scalar = number | string | boolean | null;

/** A feed as the checks see it: what ort would receive, without building it. */
export interface FeedShape {
  readonly type: string;
  readonly dims: readonly number[];
}

const MAX_ELEMENTS = 50_000_000;

/** Builds one input from the editor's value, typed by the model (or by `type` when the model says nothing). */
export function tensorFromInput(name: string, input: TensorInput, info: OnnxValueInfo | undefined): ort.Tensor {
  const declared = Array.isArray(input) ? undefined : input.type;
  const modelType = info?.elementType ?? null;
  if (declared !== undefined && !ORT_TYPES.includes(declared as OrtType)) {
    throw new InferenceError('bad-input', `input "${name}": unknown element type "${declared}" (one of ${ORT_TYPES.join(', ')})`);
  }
  if (declared !== undefined && modelType !== null && declared !== modelType) {
    throw new InferenceError('bad-input', `input "${name}" is ${modelType} in the model; the editor gave ${declared}`);
  }
  const typeName = modelType ?? declared ?? 'float32';
  const type = ortType(typeName);
  if (!type) throw new InferenceError('unsupported', `input "${name}" is ${typeName}, which onnxruntime-node cannot take from JavaScript`);

  const raw = Array.isArray(input) ? input : input.data;
  const { values, dims: nestedDims } = flatten(name, raw);
  let dims = nestedDims;
  if (!Array.isArray(input) && input.dims) {
    const count = input.dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) {
      throw new InferenceError('bad-input', `input "${name}": dims [${input.dims.join(', ')}] hold ${count} values; the data has ${values.length}`);
    }
    dims = input.dims;
  }
  return new ort.Tensor(type, typedData(name, type, values), dims);
}

/** Nested arrays -> flat values + dims; ragged nesting is refused with the place it breaks. */
function flatten(name: string, raw: unknown): { values: Scalar[]; dims: number[] } {
  if (!Array.isArray(raw)) return { values: [raw as Scalar], dims: [] };
  const dims: number[] = [];
  for (let level: unknown = raw; Array.isArray(level); level = level[0]) dims.push(level.length);
  const total = dims.reduce((a, b) => a * b, 1);
  if (total > MAX_ELEMENTS) throw new InferenceError('bad-input', `input "${name}" has ${total} elements; the editor takes at most ${MAX_ELEMENTS}`);
  const values: Scalar[] = [];
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === dims.length) {
      if (Array.isArray(node)) throw new InferenceError('bad-input', `input "${name}": ${at || 'value'} is nested deeper than the first element`);
      values.push(node as Scalar);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      const got = Array.isArray(node) ? `${node.length} values` : 'a single value';
      throw new InferenceError('bad-input', `input "${name}": ${at || 'the top level'} has ${got}, expected ${dims[depth]} (ragged nesting)`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${at}[${i}]`);
  };
  walk(raw, 0, '');
  return { values, dims };
}

function typedData(name: string, type: OrtType, values: readonly Scalar[]): ort.Tensor.DataType {
  const bad = (i: number, what: string): InferenceError =>
    new InferenceError('bad-input', `input "${name}": element ${i} (${JSON.stringify(values[i])}) is not ${what} (${type})`);
  switch (type) {
    case 'string':
      return values.map((v, i) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw bad(i, 'a string');
      });
    case 'bool':
      return Uint8Array.from(values, (v, i) => {
        const b = toBool(v);
        if (b === null) throw bad(i, 'a boolean');
        return b ? 1 : 0;
      });
    case 'int64':
    case 'uint64': {
      const out = type === 'int64' ? new BigInt64Array(values.length) : new BigUint64Array(values.length);
      const [lo, hi] = BIGINT_RANGES[type] ?? [0n, 0n];
      values.forEach((v, i) => {
        const b = toBigInt(v);
        if (b === null) throw bad(i, 'an integer');
        if (b < lo || b > hi) throw new InferenceError('bad-input', `input "${name}": element ${i} (${b}) is out of range for ${type}`);
        out[i] = b;
      });
      return out;
    }
    case 'float32':
    case 'float64':
    case 'float16': {
      const out = type === 'float32' ? new Float32Array(values.length) : new Float64Array(values.length);
      values.forEach((v, i) => {
        const x = toFloat(v);
        if (x === null) throw bad(i, 'a number');
        out[i] = x;
      });
      return type === 'float16' ? Uint16Array.from(out, toHalfBits) : out;
    }
    default: {
      const [lo, hi] = INT_RANGES[type] ?? [-Infinity, Infinity];
      const out = new (typedArrayOf(type))(values.length);
      values.forEach((v, i) => {
        const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof x !== 'number' || !Number.isInteger(x)) throw bad(i, 'an integer');
        if (x < lo || x > hi) throw new InferenceError('bad-input', `input "${name}": element ${i} (${x}) is out of range for ${type}`);
        out[i] = x;
      });
      return out;
    }
  }
}

function typedArrayOf(type: OrtType) {
  switch (type) {
    case 'int8':
      return Int8Array;
    case 'uint8':
      return Uint8Array;
    case 'int16':
      return Int16Array;
    case 'uint16':
      return Uint16Array;
    case 'uint32':
      return Uint32Array;
    default:
      return Int32Array;
  }
}

const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** A number, a numeric string, "NaN"/"Infinity" (JSON has neither), or null (JSON.stringify's NaN). */
export function toFloat(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v === null) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return null;
  // Number() first: it is the common case in batch files, and it ignores surrounding spaces itself.
  const x = Number(v);
  if (x !== 0 && !Number.isNaN(x)) return x;
  if (x === 0) return v.trim() === '' ? null : 0; // Number('') and Number(' ') are 0 too
  const special = NON_FINITE[v.trim().toLowerCase()];
  return special ?? null;
}

export function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return null;
}

function toBigInt(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : null;
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return BigInt(v.trim());
  if (typeof v === 'bigint') return v;
  return null;
}

/**
 * Checks feeds against the signature: missing and unknown inputs, element types, ranks, fixed
 * dimensions, and symbolic dimensions ("N") that must agree across inputs.
 */
export function checkFeeds(feeds: Readonly<Record<string, FeedShape>>, signature: OnnxSignature): void {
  const problems: string[] = [];
  const byName = new Map(signature.inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(feeds)) {
    if (!byName.has(name)) {
      const known = signature.inputs.map((i) => `"${i.name}"`).join(', ');
      problems.push(`unknown input "${name}" (the model's inputs: ${known || 'none'})`);
    }
  }
  const symbols = new Map<string, { size: number; input: string }>();
  for (const info of signature.inputs) {
    const feed = feeds[info.name];
    if (!feed) {
      if (!info.optional) problems.push(`missing input "${info.name}" (${describe(info)})`);
      continue;
    }
    if (info.kind !== 'tensor') {
      problems.push(`input "${info.name}" is a ${info.kind}; the playground feeds tensors only`);
      continue;
    }
    if (info.elementType !== null && feed.type !== info.elementType) {
      problems.push(`input "${info.name}" must be ${info.elementType}, got ${feed.type}`);
    }
    if (info.shape === null) continue;
    if (feed.dims.length !== info.shape.length) {
      problems.push(`input "${info.name}" must have rank ${info.shape.length} ${shapeText(info.shape)}, got [${feed.dims.join(', ')}]`);
      continue;
    }
    info.shape.forEach((want, axis) => {
      const got = feed.dims[axis];
      if (typeof want === 'number' && want >= 0 && got !== want) {
        problems.push(`input "${info.name}": dimension ${axis} must be ${want} ${shapeText(info.shape ?? [])}, got ${got}`);
      } else if (typeof want === 'string' && want !== '') {
        const seen = symbols.get(want);
        if (!seen) symbols.set(want, { size: got, input: info.name });
        else if (seen.size !== got) {
          problems.push(`input "${info.name}": dimension ${axis} ("${want}") is ${got}, but "${want}" is ${seen.size} in input "${seen.input}"`);
        }
      }
    });
  }
  if (problems.length) {
    throw new InferenceError('bad-input', `${signature.path}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
}

const shapeText = (shape: readonly (number | string | null)[]): string =>
  `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
const describe = (info: OnnxValueInfo): string =>
  info.kind === 'tensor' ? `${info.elementType ?? '?'} ${info.shape ? shapeText(info.shape) : '(any shape)'}` : info.kind;

/** The editor's tensors -> checked ort feeds. */
export function buildFeeds(tensors: Readonly<Record<string, TensorInput>>, signature: OnnxSignature): Record<string, ort.Tensor> {
  const byName = new Map(signature.inputs.map((i) => [i.name, i]));
  const unknown = Object.keys(tensors).filter((n) => !byName.has(n));
  if (unknown.length) checkFeeds(Object.fromEntries(unknown.map((n) => [n, { type: '?', dims: [] }])), signature);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, input] of Object.entries(tensors)) feeds[name] = tensorFromInput(name, input, byName.get(name));
  checkFeeds(feeds, signature);
  return feeds;
}

/** An output as JSON: int64 as numbers when exact else strings, NaN/Infinity as strings, float16 decoded. */
export function tensorToOutput(t: ort.Tensor): TensorOutput {
  const type = t.type;
  const data = t.data;
  let out: (number | string | boolean)[];
  if (type === 'string') out = [...(data as string[])];
  else if (type === 'bool') out = Array.from(data as Uint8Array, (b) => b !== 0);
  else if (isBigIntType(type as OrtType)) {
    out = Array.from(data as BigInt64Array, (b) => {
      const n = Number(b);
      return Number.isSafeInteger(n) ? n : b.toString();
    });
  } else if (type === 'float16') out = Array.from(data as Uint16Array, (h) => jsonNumber(fromHalfBits(h)));
  else out = Array.from(data as Float32Array, jsonNumber);
  return { type, dims: [...t.dims], data: out };
}

const jsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/**
 * The editor's CSV: a header row, then rows. Columns named after inputs feed those inputs, one
 * value per row (shape [rows, 1] or [rows] as the model declares); a model with a single input
 * takes the whole grid as a [rows, columns] matrix instead when no column is named after it.
 */
export function tensorsFromCsv(text: string, signature: OnnxSignature): Record<string, TensorInput> {
  const rows = parseCsv(text);
  if (rows.length < 2) throw new InferenceError('bad-csv', 'tensor CSV: a header row and at least one row of values are needed');
  const [header, ...body] = rows;
  body.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new InferenceError('bad-csv', `tensor CSV line ${i + 2}: ${r.length} values, the header has ${header.length}`);
    }
  });
  const inputs = signature.inputs.filter((i) => !i.optional);
  const named = header.filter((h) => signature.inputs.some((i) => i.name === h));
  if (named.length === 0 && inputs.length === 1) {
    const [only] = inputs;
    return { [only.name]: { dims: [body.length, header.length], data: body.flat() } };
  }
  if (named.length === 0) {
    throw new InferenceError('bad-csv', `tensor CSV: no column is named after an input (${signature.inputs.map((i) => `"${i.name}"`).join(', ')})`);
  }
  const out: Record<string, TensorInput> = {};
  for (const name of named) {
    const col = header.indexOf(name);
    const info = signature.inputs.find((i) => i.name === name);
    const rank = info?.shape?.length ?? 2;
    const data = body.map((r) => r[col]);
    out[name] = { dims: rank === 1 ? [body.length] : [body.length, 1], data };
  }
  return out;
}

/** The editor's CSV: small, held whole. */
function parseCsv(text: string): string[][] {
  try {
    return parseCsvText(text);
  } catch (e) {
    if (e instanceof CsvQuoteError) throw new InferenceError('bad-csv', `tensor CSV line ${e.line}: unterminated quote`);
    throw e;
  }
}
