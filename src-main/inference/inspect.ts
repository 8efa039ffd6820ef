import { open, realpath } from 'node:fs/promises';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto, type TypeProto, type ValueInfoProto } from 'onnx-buf';
import {
  PlumbInputColumn,
  type OnnxSignature,
  type OnnxValueInfo,
  type PlumbModelInfo,
} from '../../src-shared/api/contract.js';
import { errorMessage, InferenceError } from './errors.js';
import { onnxTypeName } from './element-types.js';

/**
 * Reading an .onnx file without trusting it: a size limit before anything is read, a protobuf
 * parse whose failure names the file, and a signature (inputs, outputs, opsets, metadata) that
 * the playground shows and the tensor validation checks feeds against.
 */

export const DEFAULT_MAX_ONNX_BYTES = 512 * 2 ** 20;

export interface ReadOnnxOptions {
  /** Refuse files bigger than this (default 512 MiB); the whole file is held in memory. */
  readonly maxBytes?: number;
}

export interface OnnxFile {
  /** The resolved real path (symlinks followed), as the cache key and in messages. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly mtimeMs: number;
}

const size = (n: number): string => (n < 2 ** 20 ? `${n} bytes` : `${(n / 2 ** 20).toFixed(1)} MiB`);

export async function readOnnxFile(path: string, opts: ReadOnnxOptions = {}): Promise<OnnxFile> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_ONNX_BYTES;
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InferenceError('not-found', `${path}: no such file`);
  }
  const handle = await open(real, 'r').catch((e: unknown) => {
    throw new InferenceError('not-found', `${real}: cannot open (${errorMessage(e)})`);
  });
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new InferenceError('bad-model', `${real} is not a file`);
    if (st.size > maxBytes) {
      throw new InferenceError('too-large', `${real} is ${size(st.size)}; the limit for an .onnx model is ${size(maxBytes)}`);
    }
    if (st.size === 0) throw new InferenceError('bad-model', `${real} is empty, not an ONNX model`);
    // Read what stat promised and no more: a file growing under us cannot push past the limit.
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < st.size) {
      const { bytesRead } = await handle.read(bytes, off, st.size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    if (off < st.size) throw new InferenceError('bad-model', `${real} shrank while being read; try again`);
    return { path: real, bytes, mtimeMs: st.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** Parses the protobuf; anything that is not a model with a graph is refused with the file's name. */
export function parseOnnx(bytes: Uint8Array, path: string): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new InferenceError('bad-model', `${path} is not a valid ONNX model (damaged or truncated: ${errorMessage(e)})`);
  }
  // Random bytes sometimes parse as a protobuf of unknown fields: a model has an IR version and a graph.
  if (!model.graph || model.irVersion <= 0n) {
    throw new InferenceError('bad-model', `${path} is not an ONNX model (no ${model.graph ? 'IR version' : 'graph'} found)`);
  }
  return model;
}

export function signatureOf(model: ModelProto, path: string, bytes: number): OnnxSignature {
  const graph = model.graph;
  if (!graph) throw new InferenceError('bad-model', `${path} is not an ONNX model (no graph found)`);
  const initializers = new Set([...graph.initializer.map((t) => t.name), ...graph.sparseInitializer.map((t) => t.values?.name ?? '')]);
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) metadata[p.key] = p.value;
  const warnings: string[] = [];
  const plumb = plumbInfo(metadata, path, warnings);
  return {
    path,
    bytes,
    irVersion: Number(model.irVersion),
    producer: { name: model.producerName, version: model.producerVersion },
    domain: model.domain,
    modelVersion: Number(model.modelVersion),
    docString: model.docString,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    inputs: graph.input.map((v) => valueInfo(v, initializers.has(v.name))),
    outputs: graph.output.map((v) => valueInfo(v, false)),
    metadata,
    plumb,
    warnings,
  };
}

export interface InspectedModel {
  readonly file: OnnxFile;
  readonly signature: OnnxSignature;
}

export async function inspectOnnx(path: string, opts: ReadOnnxOptions = {}): Promise<InspectedModel> {
  const file = await readOnnxFile(path, opts);
  const model = parseOnnx(file.bytes, file.path);
  return { file, signature: signatureOf(model, file.path, file.bytes.byteLength) };
}

function valueInfo(v: ValueInfoProto, optional: boolean): OnnxValueInfo {
  const { kind, elementType, shape } = describeType(v.type);
  return { name: v.name, kind, elementType, shape, optional, ...(v.docString ? { docString: v.docString } : {}) };
}

function describeType(t: TypeProto | undefined): Pick<OnnxValueInfo, 'kind' | 'elementType' | 'shape'> {
  switch (t?.value.case) {
    case 'tensorType':
    case 'sparseTensorType': {
      const tt = t.value.value;
      const shape = tt.shape
        ? tt.shape.dim.map((d) =>
            d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null,
          )
        : null;
      return { kind: t.value.case === 'tensorType' ? 'tensor' : 'sparse_tensor', elementType: onnxTypeName(tt.elemType), shape };
    }
    case 'sequenceType':
      return { kind: 'sequence', elementType: null, shape: null };
    case 'mapType':
      return { kind: 'map', elementType: null, shape: null };
    case 'optionalType':
      return { kind: 'optional', elementType: null, shape: null };
    default:
      return { kind: 'unknown', elementType: null, shape: null };
  }
}

const TASKS = new Set(['classification', 'regression']);
/** The layouts of the plumb.* keys this reader knows (src-main/onnx/README.md). */
const KNOWN_FORMATS = new Set(['1']);

/**
 * Plumb's exporter writes `plumb.inputs` (JSON) and friends. A model whose metadata is there but
 * unreadable still loads as a foreign model, with a warning saying why the form is missing.
 */
function plumbInfo(meta: Record<string, string>, path: string, warnings: string[]): PlumbModelInfo | null {
  const raw = meta['plumb.inputs'];
  if (raw === undefined) return null;
  const format = meta['plumb.format'];
  if (format !== undefined && !KNOWN_FORMATS.has(format)) {
    warnings.push(`${path}: metadata plumb.format "${format}" is newer than this version of Plumb reads; showing the tensor editor`);
    return null;
  }
  const parsedInputs = safeJson(raw);
  const inputs = PlumbInputColumn.array().safeParse(parsedInputs);
  if (!inputs.success) {
    const issue = inputs.error.issues[0];
    warnings.push(`${path}: metadata plumb.inputs is unreadable (${issue ? `${issue.path.join('.') || '(value)'}: ${issue.message}` : 'not JSON'}); showing the tensor editor`);
    return null;
  }
  const task = meta['plumb.task'] ?? null;
  if (task !== null && !TASKS.has(task)) warnings.push(`${path}: metadata plumb.task "${task}" is neither classification nor regression`);
  let classes: string[] | null = null;
  if (meta['plumb.classes'] !== undefined) {
    const c = safeJson(meta['plumb.classes']);
    if (Array.isArray(c)) classes = c.map((x) => String(x));
    else warnings.push(`${path}: metadata plumb.classes is not a JSON array`);
  }
  return {
    inputs: inputs.data,
    task: task === 'classification' || task === 'regression' ? task : null,
    classes,
    target: meta['plumb.target'] ?? null,
    estimator: meta['plumb.estimator'] ?? null,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
