/**
 * A small builder for ONNX graphs over onnx-buf (the ONNX protobuf schema compiled for
 * @bufbuild/protobuf v2). We chose onnx-buf over onnx-proto because its messages are typed and it
 * carries the current ONNX schema (onnx-proto is protobufjs 6 with the ONNX 1.10 schema, untyped).
 *
 * The builder hands out unique value names, keeps constants as initializers, and assembles a
 * ModelProto with the opsets below, which onnxruntime-node 1.30 runs:
 * - ai.onnx 21 (IR version 10): Equal on strings needs 19, ReduceMax with `axes` as an input 18;
 * - ai.onnx.ml 3: TreeEnsembleRegressor-3 and LabelEncoder-2.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttrType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataType as DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

export { DataType };

export const ONNX_OPSET = 21;
export const ML_OPSET = 3;
export const IR_VERSION = 10;
export const ML_DOMAIN = 'ai.onnx.ml';

/** An attribute value, tagged with its ONNX type (a JS number alone cannot say int or float). */
export type Attr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly t: TensorProto }
  | { readonly g: GraphProto };

/** A dimension: a fixed size, or a symbolic name such as `N` (rows). */
export type Dim = number | string;

const utf8 = new TextEncoder();

function attribute(name: string, a: Attr): AttributeProto {
  if ('i' in a) return create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(a.i) });
  if ('f' in a) return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: a.f });
  if ('s' in a) return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: utf8.encode(a.s) });
  if ('ints' in a) return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: a.ints.map((v) => BigInt(v)) });
  if ('floats' in a) return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: [...a.floats] });
  if ('strings' in a) return create(AttributeProtoSchema, { name, type: AttrType.STRINGS, strings: a.strings.map((v) => utf8.encode(v)) });
  if ('t' in a) return create(AttributeProtoSchema, { name, type: AttrType.TENSOR, t: a.t });
  return create(AttributeProtoSchema, { name, type: AttrType.GRAPH, g: a.g });
}

export function valueInfo(name: string, elemType: DataType, shape: readonly Dim[]): ValueInfoProto {
  const dims = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }),
  );
  const tensorType = create(TypeProto_TensorSchema, { elemType, shape: create(TensorShapeProtoSchema, { dim: dims }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

/** Tensors for constants. Doubles keep every bit; float32 attributes are the caller's rounding. */
export const tensor = {
  double(values: ArrayLike<number>, dims: readonly number[] = [values.length]): TensorProto {
    return create(TensorProtoSchema, { dataType: DataType.DOUBLE, dims: dims.map(BigInt), doubleData: Array.from(values) });
  },
  float(values: ArrayLike<number>, dims: readonly number[] = [values.length]): TensorProto {
    return create(TensorProtoSchema, { dataType: DataType.FLOAT, dims: dims.map(BigInt), floatData: Array.from(values) });
  },
  int64(values: ArrayLike<number>, dims: readonly number[] = [values.length]): TensorProto {
    return create(TensorProtoSchema, { dataType: DataType.INT64, dims: dims.map(BigInt), int64Data: Array.from(values, (v) => BigInt(v)) });
  },
  string(values: readonly string[], dims: readonly number[] = [values.length]): TensorProto {
    return create(TensorProtoSchema, { dataType: DataType.STRING, dims: dims.map(BigInt), stringData: values.map((v) => utf8.encode(v)) });
  },
};

/**
 * Builds one graph (the main graph or a loop body). Value names are unique within the builder;
 * a subgraph builder shares its parent's counter so names never collide with the outer scope,
 * whose values a body may read.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly counter: { n: number };

  constructor(counter?: { n: number }) {
    this.counter = counter ?? { n: 0 };
  }

  /** A fresh value name from a readable hint. */
  fresh(hint: string): string {
    return `${hint.replace(/[^A-Za-z0-9_]+/g, '_').slice(0, 40)}__${this.counter.n++}`;
  }

  /** A builder for a subgraph (Scan body) that may read this graph's values. */
  subgraph(): GraphBuilder {
    return new GraphBuilder(this.counter);
  }

  input(name: string, elemType: DataType, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: DataType, shape: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  /** A constant as an initializer; returns its value name. */
  constant(hint: string, t: TensorProto): string {
    const name = this.fresh(hint);
    this.initializers.push({ ...t, name });
    return name;
  }

  /** Shorthands for the constants most converters need. */
  doubles(hint: string, values: ArrayLike<number>, dims?: readonly number[]): string {
    return this.constant(hint, tensor.double(values, dims));
  }

  int64s(hint: string, values: ArrayLike<number>, dims?: readonly number[]): string {
    return this.constant(hint, tensor.int64(values, dims));
  }

  /**
   * Adds a node and returns its output names (`outputs` of them, or the names given). Inputs
   * named '' are ONNX's omitted optional inputs.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, Attr>> = {},
    opts: { readonly domain?: string; readonly outputs?: number | readonly string[]; readonly hint?: string } = {},
  ): string[] {
    const hint = opts.hint ?? opType;
    const outs = Array.isArray(opts.outputs)
      ? [...(opts.outputs as readonly string[])]
      : Array.from({ length: (opts.outputs as number | undefined) ?? 1 }, () => this.fresh(hint));
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        domain: opts.domain ?? '',
        name: this.fresh(`n_${hint}`),
        input: [...inputs],
        output: outs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  /** A node with one output: its name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, opts: { readonly domain?: string; readonly hint?: string } = {}): string {
    return this.node(opType, inputs, attrs, opts)[0];
  }

  /** Renames a value to a fixed name (a graph output) with an Identity node. */
  rename(value: string, name: string): void {
    this.node('Identity', [value], {}, { outputs: [name] });
  }

  graph(name: string): GraphProto {
    return create(GraphProtoSchema, {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }
}

export interface ModelInfo {
  readonly producerVersion: string;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The serialized ModelProto of a main graph. */
export function modelBytes(graph: GraphProto, info: ModelInfo): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(IR_VERSION),
    opsetImport: [
      create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) }),
      create(OperatorSetIdProtoSchema, { domain: ML_DOMAIN, version: BigInt(ML_OPSET) }),
    ],
    producerName: 'plumb',
    producerVersion: info.producerVersion,
    docString: info.docString,
    graph,
    metadataProps: Object.entries(info.metadata).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
  return toBinary(ModelProtoSchema, model);
}
