import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { OnnxSignature, OnnxValueInfo } from '../../src-shared/api/contract.js';
import { fromHalfBits, toHalfBits } from './float16.js';
import { tensorFromInput, tensorsFromCsv, tensorToOutput } from './tensors.js';

const info = (name: string, elementType: string, shape: (number | string)[] | null = null): OnnxValueInfo => ({
  name,
  kind: 'tensor',
  elementType,
  shape,
  optional: false,
});
const signature = (inputs: OnnxValueInfo[]): OnnxSignature => ({
  path: 'm.onnx',
  bytes: 0,
  irVersion: 8,
  producer: { name: '', version: '' },
  domain: '',
  modelVersion: 0,
  docString: '',
  opsets: [],
  inputs,
  outputs: [],
  metadata: {},
  plumb: null,
  warnings: [],
});

describe('tensor editor <-> ort.Tensor', () => {
  it('round-trips every element type ort-node takes from JavaScript', () => {
    const cases: [string, unknown[], unknown[]][] = [
      ['float32', [1.5, 'NaN', '-Infinity', null], [1.5, 'NaN', '-Infinity', 'NaN']],
      ['float64', [0.1, 2], [0.1, 2]],
      ['float16', [0.5, 65504, 1e-8], [0.5, 65504, 0]],
      ['int8', [-128, 127], [-128, 127]],
      ['uint8', [0, 255], [0, 255]],
      ['int16', [-5, 5], [-5, 5]],
      ['uint16', [65535], [65535]],
      ['int32', [-2147483648], [-2147483648]],
      ['uint32', [4294967295], [4294967295]],
      ['int64', ['9223372036854775807', -3], ['9223372036854775807', -3]],
      ['uint64', ['18446744073709551615', 7], ['18446744073709551615', 7]],
      ['bool', [true, 0, 'false', '1'], [true, false, false, true]],
      ['string', ['a', 'ü', ''], ['a', 'ü', '']],
    ];
    for (const [type, data, back] of cases) {
      const t = tensorFromInput('x', { dims: [data.length], data: data as never }, info('x', type));
      expect(t.type).toBe(type);
      expect(tensorToOutput(t)).toEqual({ type, dims: [data.length], data: back });
    }
    expect(tensorFromInput('x', ['1'], info('x', 'int64')).data).toBeInstanceOf(BigInt64Array);
  });

  it('refuses values out of their type\'s range instead of wrapping them', () => {
    expect(() => tensorFromInput('x', [300], info('x', 'uint8'))).toThrow('input "x": element 0 (300) is out of range for uint8');
    expect(() => tensorFromInput('x', ['9223372036854775808'], info('x', 'int64'))).toThrow(/out of range for int64/);
    expect(() => tensorFromInput('x', [1.5], info('x', 'int32'))).toThrow('input "x": element 0 (1.5) is not an integer (int32)');
    expect(() => tensorFromInput('x', { dims: [3], data: [1, 2] }, info('x', 'float32'))).toThrow('input "x": dims [3] hold 3 values; the data has 2');
    expect(() => tensorFromInput('x', [1], info('x', 'bfloat16'))).toThrow(/bfloat16, which onnxruntime-node cannot take/);
  });

  it('encodes float16 with round-to-nearest-even', () => {
    for (const x of [0, -0, 1, -2.5, 0.1, 1 / 3, 65504, 6.1e-5, 5.96e-8]) {
      const h = toHalfBits(x);
      expect(fromHalfBits(h)).toBe(fromHalfBits(toHalfBits(fromHalfBits(h))));
      expect(Math.abs(fromHalfBits(h) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
    }
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Infinity);
    expect(fromHalfBits(toHalfBits(NaN))).toBeNaN();
    expect(tensorToOutput(new ort.Tensor('float16', Uint16Array.of(0x3c00, 0x7e00), [2])).data).toEqual([1, 'NaN']);
  });

  it('reads the CSV editor: columns named after inputs, or a grid for a single input', () => {
    const two = signature([info('a', 'float32', ['N', 1]), info('b', 'string', ['N'])]);
    expect(tensorsFromCsv('a,b,ignored\n1,"x, y",z\n2,w,z\n', two)).toEqual({
      a: { dims: [2, 1], data: ['1', '2'] },
      b: { dims: [2], data: ['x, y', 'w'] },
    });
    const one = signature([info('X', 'float32', ['N', 3])]);
    expect(tensorsFromCsv('c1,c2,c3\n1,2,3\n4,5,6', one)).toEqual({ X: { dims: [2, 3], data: ['1', '2', '3', '4', '5', '6'] } });
    expect(() => tensorsFromCsv('c1,c2\n1,2,3', one)).toThrow('tensor CSV line 2: 3 values, the header has 2');
    expect(() => tensorsFromCsv('p,q\n1,2', two)).toThrow('tensor CSV: no column is named after an input ("a", "b")');
  });
});
