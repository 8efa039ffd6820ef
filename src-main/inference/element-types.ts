import type { Tensor } from 'onnxruntime-node';

/**
 * ONNX element types (TensorProto.DataType) and onnxruntime-node's names for them. Types ort-node
 * cannot hand to JavaScript (bfloat16, float8, complex) keep ONNX's lower-case name so a signature
 * can still show them; `ortType` answers null for those.
 */
const ONNX_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
  25: 'uint2',
  26: 'int2',
};

export type OrtType = Exclude<Tensor.Type, 'uint4' | 'int4'>;

/** What the tensor editor, CSV reading and output conversion handle. */
export const ORT_TYPES: readonly OrtType[] = [
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
  'string',
];
const ORT_SET = new Set<string>(ORT_TYPES);

export function onnxTypeName(elemType: number): string | null {
  return ONNX_TYPES[elemType] ?? (elemType === 0 ? null : `type ${elemType}`);
}

export function ortType(name: string | null): OrtType | null {
  return name !== null && ORT_SET.has(name) ? (name as OrtType) : null;
}

export const isFloatType = (t: OrtType): boolean => t === 'float32' || t === 'float64' || t === 'float16';
export const isBigIntType = (t: OrtType): boolean => t === 'int64' || t === 'uint64';

/** Inclusive integer ranges, to refuse 300 for a uint8 input instead of wrapping it silently. */
export const INT_RANGES: Partial<Record<OrtType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};
export const BIGINT_RANGES: Partial<Record<OrtType, readonly [bigint, bigint]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};
