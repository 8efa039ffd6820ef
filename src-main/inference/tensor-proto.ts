import { fromBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { onnxTypeName, ortType } from './element-types.js';
import { errorMessage, InferenceError } from './errors.js';

/**
 * ONNX TensorProto (the .pb test vectors of ONNX's backend tests, initializers) -> ort.Tensor.
 * Values come either packed little-endian in raw_data or in the typed repeated fields, where
 * small integer types, bool and float16 bits travel in int32_data.
 */
export function decodeTensorProto(bytes: Uint8Array, source: string): ort.Tensor {
  let proto: TensorProto;
  try {
    proto = fromBinary(TensorProtoSchema, bytes);
  } catch (e) {
    throw new InferenceError('bad-input', `${source} is not an ONNX tensor (${errorMessage(e)})`);
  }
  return tensorFromProto(proto, source);
}

export function tensorFromProto(proto: TensorProto, source: string): ort.Tensor {
  const typeName = onnxTypeName(proto.dataType);
  const type = ortType(typeName);
  if (!type) throw new InferenceError('unsupported', `${source}: element type ${typeName ?? 'undefined'} is not supported by onnxruntime-node`);
  if (proto.externalData.length) throw new InferenceError('unsupported', `${source}: tensors with external data are not supported`);
  const dims = proto.dims.map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = proto.rawData.byteLength ? proto.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;

  const fromRaw = <A extends { length: number; [i: number]: number | bigint }>(
    make: (n: number) => A,
    width: number,
    read: (dv: DataView, off: number) => number | bigint,
  ): A => {
    const out = make(count);
    if (!view) return out;
    if (view.byteLength !== count * width) {
      throw new InferenceError('bad-input', `${source}: raw data holds ${view.byteLength} bytes, dims [${dims.join(', ')}] need ${count * width}`);
    }
    for (let i = 0; i < count; i++) out[i] = read(view, i * width);
    return out;
  };
  const fromList = <A extends { length: number; [i: number]: number | bigint }>(make: (n: number) => A, list: readonly (number | bigint)[]): A => {
    if (list.length !== count) throw new InferenceError('bad-input', `${source}: ${list.length} values, dims [${dims.join(', ')}] need ${count}`);
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = list[i];
    return out;
  };
  const pick = <A extends { length: number; [i: number]: number | bigint }>(
    make: (n: number) => A,
    width: number,
    read: (dv: DataView, off: number) => number | bigint,
    list: readonly (number | bigint)[],
  ): A => (raw ? fromRaw(make, width, read) : fromList(make, list));

  switch (type) {
    case 'float32':
      return new ort.Tensor(type, pick((n) => new Float32Array(n), 4, (d, o) => d.getFloat32(o, true), proto.floatData), dims);
    case 'float64':
      return new ort.Tensor(type, pick((n) => new Float64Array(n), 8, (d, o) => d.getFloat64(o, true), proto.doubleData), dims);
    case 'float16':
      return new ort.Tensor(type, pick((n) => new Uint16Array(n), 2, (d, o) => d.getUint16(o, true), proto.int32Data), dims);
    case 'int8':
      return new ort.Tensor(type, pick((n) => new Int8Array(n), 1, (d, o) => d.getInt8(o), proto.int32Data), dims);
    case 'uint8':
      return new ort.Tensor(type, pick((n) => new Uint8Array(n), 1, (d, o) => d.getUint8(o), proto.int32Data), dims);
    case 'bool':
      return new ort.Tensor(type, pick((n) => new Uint8Array(n), 1, (d, o) => (d.getUint8(o) ? 1 : 0), proto.int32Data), dims);
    case 'int16':
      return new ort.Tensor(type, pick((n) => new Int16Array(n), 2, (d, o) => d.getInt16(o, true), proto.int32Data), dims);
    case 'uint16':
      return new ort.Tensor(type, pick((n) => new Uint16Array(n), 2, (d, o) => d.getUint16(o, true), proto.int32Data), dims);
    case 'int32':
      return new ort.Tensor(type, pick((n) => new Int32Array(n), 4, (d, o) => d.getInt32(o, true), proto.int32Data), dims);
    case 'uint32':
      return new ort.Tensor(type, pick((n) => new Uint32Array(n), 4, (d, o) => d.getUint32(o, true), proto.uint64Data.map(Number)), dims);
    case 'int64':
      return new ort.Tensor(type, pick((n) => new BigInt64Array(n), 8, (d, o) => d.getBigInt64(o, true), proto.int64Data), dims);
    case 'uint64':
      return new ort.Tensor(type, pick((n) => new BigUint64Array(n), 8, (d, o) => d.getBigUint64(o, true), proto.uint64Data), dims);
    case 'string': {
      if (proto.stringData.length !== count) throw new InferenceError('bad-input', `${source}: ${proto.stringData.length} strings, dims [${dims.join(', ')}] need ${count}`);
      const dec = new TextDecoder();
      return new ort.Tensor('string', proto.stringData.map((b) => dec.decode(b)), dims);
    }
  }
}
