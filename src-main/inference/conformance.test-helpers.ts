import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { API, type OnnxSignature, type TensorOutput } from '../../src-shared/api/contract.js';
import type { PlaygroundHandlers } from '../api/playground-handlers.js';
import { errorMessage } from './errors.js';
import { decodeTensorProto } from './tensor-proto.js';
import { tensorToOutput } from './tensors.js';
import { fromBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';

/**
 * Runs one model folder of ONNX's backend test data (model.onnx + test_data_set_N/input_K.pb,
 * output_K.pb) through the playground's API handlers, exactly as a client would: requests
 * and responses parsed with the contract's schemas, tensors as the editor's JSON.
 */
export type CaseOutcome =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly reason: string }
  /** onnxruntime-node refused the model (an operator or type it lacks). */
  | { readonly status: 'not-loadable'; readonly reason: string }
  /** Loads, but takes or gives sequences/maps/optionals: ort-node's JS API passes tensors only. */
  | { readonly status: 'non-tensor'; readonly reason: string }
  | { readonly status: 'no-model'; readonly reason: string };

/** ONNX's backend tests compare with numpy's assert_allclose(rtol=1e-3, atol=1e-7); NaN equals NaN. */
export const RTOL = 1e-3;
export const ATOL = 1e-7;

export async function runModelFolder(dir: string, api: PlaygroundHandlers): Promise<CaseOutcome> {
  const files = await readdir(dir);
  if (!files.includes('model.onnx')) return { status: 'no-model', reason: 'no model.onnx (the data is downloaded by URL)' };
  const source = { path: join(dir, 'model.onnx') };
  let signature: OnnxSignature;
  try {
    signature = API['playground.inspect'].response.parse(
      await api['playground.inspect'](API['playground.inspect'].request.parse({ source })),
    ).signature;
  } catch (e) {
    return { status: 'not-loadable', reason: errorMessage(e) };
  }
  const nonTensor = [...signature.inputs, ...signature.outputs].find((v) => v.kind !== 'tensor');
  if (nonTensor) return { status: 'non-tensor', reason: `"${nonTensor.name}" is a ${nonTensor.kind}` };

  const sets = files.filter((f) => f.startsWith('test_data_set_')).sort();
  if (sets.length === 0) return { status: 'fail', reason: 'no test_data_set_* folder' };
  const feedable = signature.inputs.filter((i) => !i.optional);
  for (const set of sets) {
    const setDir = join(dir, set);
    const pbs = await readdir(setDir);
    const inputs = await readTensors(setDir, pbs, 'input_');
    const expected = await readTensors(setDir, pbs, 'output_');
    const tensors: Record<string, unknown> = {};
    inputs.forEach(({ name, tensor }, k) => {
      // The .pb's own name when it has one, else the k-th input, as ONNX's backend runner does.
      const input = signature.inputs.find((i) => i.name === name) ?? feedable[k] ?? signature.inputs[k];
      const { type, dims, data } = tensorToOutput(tensor);
      if (input) tensors[input.name] = { type, dims, data };
    });
    let outputs: Record<string, TensorOutput>;
    try {
      const res = API['playground.predict'].response.parse(
        await api['playground.predict'](API['playground.predict'].request.parse({ source, tensors })),
      );
      outputs = res.outputs;
    } catch (e) {
      return { status: 'fail', reason: `${set}: ${errorMessage(e)}` };
    }
    for (let k = 0; k < expected.length; k++) {
      const want = expected[k];
      const outName = signature.outputs.some((o) => o.name === want.name) ? want.name : signature.outputs[k]?.name;
      const got = outName !== undefined ? outputs[outName] : undefined;
      if (!got) return { status: 'fail', reason: `${set}: no output "${outName ?? k}"` };
      const diff = compareTensor(got, want.tensor);
      if (diff) return { status: 'fail', reason: `${set} output "${outName}": ${diff}` };
    }
  }
  return { status: 'pass' };
}

async function readTensors(dir: string, files: string[], prefix: string): Promise<{ name: string; tensor: ort.Tensor }[]> {
  const names = files
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)));
  return Promise.all(
    names.map(async (f) => {
      const bytes = new Uint8Array(await readFile(join(dir, f)));
      const name = fromBinary(TensorProtoSchema, bytes).name;
      return { name, tensor: decodeTensorProto(bytes, join(dir, f)) };
    }),
  );
}

/** null when equal within tolerance; otherwise what differs, first. */
export function compareTensor(got: TensorOutput, want: ort.Tensor): string | null {
  const expected = tensorToOutput(want);
  if (got.type !== expected.type) return `type ${got.type}, expected ${expected.type}`;
  if (got.dims.join(',') !== expected.dims.join(',')) return `shape [${got.dims.join(', ')}], expected [${expected.dims.join(', ')}]`;
  for (let i = 0; i < expected.data.length; i++) {
    const a = got.data[i];
    const b = expected.data[i];
    if (a === b) continue;
    const x = asNumber(a);
    const y = asNumber(b);
    // Numbers (and the strings NaN/Infinity stand for in JSON); exact int64 strings matched above.
    if (x !== null && y !== null && (Number.isNaN(x) ? Number.isNaN(y) : Math.abs(x - y) <= ATOL + RTOL * Math.abs(y))) continue;
    return `element ${i} is ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`;
  }
  return null;
}

function asNumber(v: number | string | boolean): number | null {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}
