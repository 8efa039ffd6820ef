import * as ort from 'onnxruntime-node';
import type { OnnxSignature, OnnxValueInfo, PlumbInputColumn, PlumbModelInfo, RowPrediction } from '../../src-shared/api/contract.js';
import { INT_RANGES, ortType, type OrtType } from './element-types.js';
import { InferenceError } from './errors.js';
import { toHalfBits } from './float16.js';
import { checkFeeds, toBool, toFloat } from './tensors.js';

/**
 * Raw rows -> a Plumb model's feeds (one [N, 1] input per raw column, as `plumb.inputs` lists
 * them) and its outputs -> predictions (`label` + `probabilities`, or `variable`). The same
 * code serves the playground's form and batch prediction of files, so both read values alike.
 */

export type RawValue = number | string | boolean | bigint | null | undefined;

/** Where a row came from, for messages: "row 3" in the form, "line 18" in a file. */
export type RowWhere = (row: number) => string;

export interface ColumnFeedSpec {
  readonly column: PlumbInputColumn;
  readonly info: OnnxValueInfo;
  readonly type: OrtType;
}

/** Matches `plumb.inputs` with the graph's inputs; a model that disagrees with its metadata is refused. */
export function columnFeedSpecs(signature: OnnxSignature, plumb: PlumbModelInfo): ColumnFeedSpec[] {
  return plumb.inputs.map((column) => {
    const info = signature.inputs.find((i) => i.name === column.name);
    if (!info) throw new InferenceError('bad-model', `${signature.path}: metadata plumb.inputs names "${column.name}", which is not an input of the graph`);
    const type = info.kind === 'tensor' ? ortType(info.elementType) : null;
    if (!type) throw new InferenceError('bad-model', `${signature.path}: input "${column.name}" is ${info.elementType ?? info.kind}, which a row value cannot feed`);
    return { column, info, type };
  });
}

/**
 * Column-major raw values -> checked feeds. `values[name][i]` is column `name` of row i; a
 * missing entry is a missing value.
 */
export function feedsFromColumns(
  signature: OnnxSignature,
  specs: readonly ColumnFeedSpec[],
  values: Readonly<Record<string, readonly RawValue[]>>,
  rows: number,
  where: RowWhere,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    const col = values[spec.column.name] ?? [];
    const dims = spec.info.shape?.length === 1 ? [rows] : [rows, 1];
    feeds[spec.column.name] = new ort.Tensor(spec.type, columnData(spec, col, rows, where), dims);
  }
  checkFeeds(feeds, signature);
  return feeds;
}

function columnData(spec: ColumnFeedSpec, col: readonly RawValue[], rows: number, where: RowWhere): ort.Tensor.DataType {
  const { column, type } = spec;
  const name = column.name;
  const missing = (i: number): InferenceError =>
    new InferenceError('bad-input', `${where(i)}: "${name}" is missing and the model does not impute it`);
  const bad = (i: number, what: string): InferenceError =>
    new InferenceError('bad-input', `${where(i)}: "${name}" is ${JSON.stringify(String(col[i]))}, not ${what}`);
  const isMissing = (v: RawValue): boolean => v === null || v === undefined || (typeof v === 'string' && v === '' && column.type !== 'text');
  // A missing value may only reach the graph when its chain imputes it; `imputed` absent means unknown: let the model decide.
  const mayBeMissing = column.imputed !== false;

  if (type === 'string') {
    const out = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      const v = col[i];
      if (v === null || v === undefined) {
        if (!mayBeMissing) throw missing(i);
        out[i] = '';
      } else out[i] = typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
    }
    return out;
  }
  if (type === 'bool') {
    const out = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = col[i];
      if (isMissing(v)) throw missing(i);
      const b = toBool(v);
      if (b === null) throw bad(i, 'true or false');
      out[i] = b ? 1 : 0;
    }
    return out;
  }
  if (type === 'float32' || type === 'float64' || type === 'float16') {
    const out = type === 'float64' ? new Float64Array(rows) : new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = col[i];
      if (typeof v === 'number' && column.type !== 'boolean') {
        out[i] = v; // the common case, kept cheap: batches convert millions of these
        continue;
      }
      if (isMissing(v)) {
        if (!mayBeMissing) throw missing(i);
        out[i] = NaN;
        continue;
      }
      const x = column.type === 'boolean' ? boolNumber(v) : toFloat(typeof v === 'bigint' ? Number(v) : v);
      if (x === null) throw bad(i, column.type === 'boolean' ? 'true or false' : 'a number');
      out[i] = x;
    }
    return type === 'float16' ? Uint16Array.from(out, toHalfBits) : out;
  }
  if (type === 'int64' || type === 'uint64') {
    const out = type === 'int64' ? new BigInt64Array(rows) : new BigUint64Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = col[i];
      if (isMissing(v)) throw missing(i);
      const x = typeof v === 'bigint' ? v : column.type === 'boolean' ? boolNumber(v) : toFloat(v);
      if (x === null || (typeof x === 'number' && !Number.isSafeInteger(x))) throw bad(i, 'an integer');
      out[i] = BigInt(x);
    }
    return out;
  }
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = col[i];
    if (isMissing(v)) throw missing(i);
    const x = toFloat(typeof v === 'bigint' ? Number(v) : v);
    if (x === null || !Number.isInteger(x)) throw bad(i, 'an integer');
    out[i] = x;
  }
  const [lo, hi] = INT_RANGES[type] ?? [-Infinity, Infinity];
  const bad2 = out.findIndex((x) => x < lo || x > hi);
  if (bad2 >= 0) throw bad(bad2, `within the range of ${type}`);
  const ctor = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[type as string];
  if (!ctor) throw new InferenceError('unsupported', `"${name}": element type ${type} cannot be fed from a row`);
  return ctor.from(out);
}

function boolNumber(v: RawValue): number | null {
  const b = toBool(typeof v === 'bigint' ? Number(v) : v);
  return b === null ? null : b ? 1 : 0;
}

/** The form's rows (objects) -> feeds; a key that is not one of the model's columns is refused. */
export function feedsFromRows(
  signature: OnnxSignature,
  plumb: PlumbModelInfo,
  rows: readonly Readonly<Record<string, RawValue>>[],
): Record<string, ort.Tensor> {
  const specs = columnFeedSpecs(signature, plumb);
  const known = new Set(plumb.inputs.map((c) => c.name));
  rows.forEach((row, i) => {
    for (const k in row) {
      if (!known.has(k)) {
        throw new InferenceError('bad-input', `row ${i + 1}: unknown column "${k}" (the model's columns: ${plumb.inputs.map((c) => c.name).join(', ')})`);
      }
    }
  });
  const values: Record<string, RawValue[]> = Object.fromEntries(plumb.inputs.map((c) => [c.name, rows.map((r) => r[c.name])]));
  return feedsFromColumns(signature, specs, values, rows.length, (i) => `row ${i + 1}`);
}

/** Predictions column-major, for files: labels (+ one probability column per class) or values. */
export interface PredictionColumns {
  readonly label?: string[];
  readonly probabilities?: { readonly classes: string[]; readonly values: Float64Array[] };
  readonly value?: Float64Array;
}

export function predictionColumns(outputs: ort.InferenceSession.ReturnType, plumb: PlumbModelInfo | null, rows: number, path: string): PredictionColumns {
  const label = outputs.label;
  const proba = outputs.probabilities;
  const variable = outputs.variable;
  if (variable) {
    const data = variable.data as Float32Array | Float64Array;
    if (data.length !== rows) throw new InferenceError('bad-model', `${path}: output "variable" has ${data.length} values for ${rows} rows`);
    return { value: Float64Array.from(data) };
  }
  if (!label && !proba) {
    throw new InferenceError('bad-model', `${path}: a Plumb model has an output "label", "probabilities" or "variable"; this one has ${Object.keys(outputs).join(', ')}`);
  }
  let probabilities: PredictionColumns['probabilities'];
  if (proba) {
    const k = proba.dims[1] ?? 1;
    const data = proba.data as Float32Array | Float64Array;
    if (proba.dims[0] !== rows) throw new InferenceError('bad-model', `${path}: output "probabilities" has ${proba.dims[0]} rows for ${rows}`);
    const classes = plumb?.classes && plumb.classes.length === k ? plumb.classes : Array.from({ length: k }, (_, j) => String(j));
    const values = classes.map((_, j) => {
      const col = new Float64Array(rows);
      for (let i = 0; i < rows; i++) col[i] = data[i * k + j];
      return col;
    });
    probabilities = { classes, values };
  }
  let labels: string[];
  if (label) {
    labels = Array.from(label.data as ArrayLike<unknown>, (v) => String(v));
    if (labels.length !== rows) throw new InferenceError('bad-model', `${path}: output "label" has ${labels.length} values for ${rows} rows`);
  } else {
    const p = probabilities ?? { classes: [], values: [] };
    labels = Array.from({ length: rows }, (_, i) => {
      let best = 0;
      for (let j = 1; j < p.values.length; j++) if (p.values[j][i] > p.values[best][i]) best = j;
      return p.classes[best] ?? '';
    });
  }
  return { label: labels, ...(probabilities ? { probabilities } : {}) };
}

/** Column-major predictions -> one object per row, as the playground shows them. */
export function rowPredictions(cols: PredictionColumns, rows: number): RowPrediction[] {
  const out: RowPrediction[] = [];
  for (let i = 0; i < rows; i++) {
    if (cols.value) {
      const v = cols.value[i];
      out.push(Number.isFinite(v) ? { value: v } : { value: null, refused: true });
      continue;
    }
    const p = cols.probabilities;
    const label = cols.label?.[i] ?? '';
    const probabilities = p ? Object.fromEntries(p.classes.map((c, j) => [c, Number.isFinite(p.values[j][i]) ? p.values[j][i] : null])) : undefined;
    const refused = label === '' || (probabilities !== undefined && Object.values(probabilities).some((x) => x === null));
    out.push({ label, ...(probabilities ? { probabilities } : {}), ...(refused ? { refused } : {}) });
  }
  return out;
}
