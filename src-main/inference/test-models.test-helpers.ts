import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type ValueInfoProto,
} from 'onnx-buf';

/**
 * Small ONNX models built with onnx-buf for tests and the bench, shaped like Plumb's exporter
 * output (one [N, 1] input per raw column, metadata plumb.*) or like foreign models.
 */
const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const enc = new TextEncoder();

/** A number is an INT attribute; a number[] is FLOATS; `{ ints }` is INTS. */
type AttrValue = number | string | number[] | string[] | { ints: number[] };

function attr(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: 3, s: enc.encode(v) });
  if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: 2, i: BigInt(v) });
  if ('ints' in v) return create(AttributeProtoSchema, { name, type: 7, ints: v.ints.map(BigInt) });
  if (v.length > 0 && typeof v[0] === 'string') return create(AttributeProtoSchema, { name, type: 8, strings: (v as string[]).map((s) => enc.encode(s)) });
  return create(AttributeProtoSchema, { name, type: 6, floats: v as number[] });
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): NodeProto {
  return create(NodeProtoSchema, { opType: op, input: inputs, output: outputs, domain, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) });
}

export function tensorInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: { elemType, shape: { dim: dims.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })) } },
      },
    }),
  });
}

export interface ModelParts {
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  metadata?: Record<string, string>;
  ml?: boolean;
}

export function modelBytes(parts: ModelParts): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'plumb-tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17n }, ...(parts.ml ? [{ domain: 'ai.onnx.ml', version: 3n }] : [])],
    metadataProps: Object.entries(parts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: { name: 'g', node: parts.nodes, input: parts.inputs, output: parts.outputs },
  });
  return toBinary(ModelProtoSchema, model);
}

/** Foreign: C = A + B, float [N, 3] each. */
export function addModel(): Uint8Array {
  return modelBytes({
    nodes: [node('Add', ['A', 'B'], ['C'])],
    inputs: [tensorInfo('A', FLOAT, ['N', 3]), tensorInfo('B', FLOAT, ['N', 3])],
    outputs: [tensorInfo('C', FLOAT, ['N', 3])],
  });
}

/** Plumb-shaped regression: variable = intercept + sum(coef_i * column_i), ai.onnx.ml LinearRegressor. */
export function linearRegressionModel(columns: string[], coefficients: number[], intercept: number, target = 'y'): Uint8Array {
  return modelBytes({
    ml: true,
    nodes: [
      node('Concat', columns, ['X'], { axis: 1 }),
      node('LinearRegressor', ['X'], ['variable'], { coefficients, intercepts: [intercept] }, 'ai.onnx.ml'),
    ],
    inputs: columns.map((c) => tensorInfo(c, FLOAT, ['N', 1])),
    outputs: [tensorInfo('variable', FLOAT, ['N', 1])],
    metadata: {
      'plumb.inputs': JSON.stringify(columns.map((name) => ({ name, type: 'number', imputed: false }))),
      'plumb.task': 'regression',
      'plumb.target': target,
      'plumb.estimator': 'LinearRegression',
    },
  });
}

/**
 * Plumb-shaped classification: a text column one-hot encoded next to numeric columns, then a
 * softmax LinearClassifier; outputs label string [N] and probabilities float [N, k].
 */
export function linearClassifierModel(opts: {
  numeric: string[];
  text: { name: string; categories: string[] };
  classes: string[];
  /** classes x (numeric + categories) */
  coefficients: number[][];
  intercepts: number[];
}): Uint8Array {
  const { numeric, text, classes } = opts;
  return modelBytes({
    ml: true,
    nodes: [
      node('OneHotEncoder', [text.name], ['text_onehot3'], { cats_strings: text.categories, zeros: 1 }, 'ai.onnx.ml'),
      // OneHotEncoder adds a trailing axis: [N, 1, k] -> [N, k].
      node('Flatten', ['text_onehot3'], ['text_onehot'], { axis: 1 }),
      node('Concat', [...numeric, 'text_onehot'], ['X'], { axis: 1 }),
      node(
        'LinearClassifier',
        ['X'],
        ['label', 'probabilities'],
        { classlabels_strings: classes, coefficients: opts.coefficients.flat(), intercepts: opts.intercepts, post_transform: 'SOFTMAX', multi_class: 0 },
        'ai.onnx.ml',
      ),
    ],
    inputs: [...numeric.map((c) => tensorInfo(c, FLOAT, ['N', 1])), tensorInfo(text.name, STRING, ['N', 1])],
    outputs: [tensorInfo('label', STRING, ['N']), tensorInfo('probabilities', FLOAT, ['N', classes.length])],
    metadata: {
      'plumb.inputs': JSON.stringify([
        ...numeric.map((name) => ({ name, type: 'number', imputed: false })),
        { name: text.name, type: 'text', categories: text.categories, imputed: false },
      ]),
      'plumb.task': 'classification',
      'plumb.classes': JSON.stringify(classes),
      'plumb.target': 'species',
      'plumb.estimator': 'LogisticRegression',
    },
  });
}

/**
 * A realistic tree model for the bench: `trees` regression trees of depth `depth` over `features`
 * float columns, seeded thresholds (a SplitMix-style generator, no Math.random).
 */
export function treeEnsembleModel(trees: number, depth: number, features: number, seed = 42): { bytes: Uint8Array; columns: string[] } {
  let s = BigInt(seed);
  const rand = (): number => {
    s = (s + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  };
  const columns = Array.from({ length: features }, (_, i) => `x${i}`);
  const a = {
    nodes_treeids: [] as number[],
    nodes_nodeids: [] as number[],
    nodes_featureids: [] as number[],
    nodes_values: [] as number[],
    nodes_modes: [] as string[],
    nodes_truenodeids: [] as number[],
    nodes_falsenodeids: [] as number[],
    target_treeids: [] as number[],
    target_nodeids: [] as number[],
    target_ids: [] as number[],
    target_weights: [] as number[],
  };
  const internal = 2 ** depth - 1;
  for (let t = 0; t < trees; t++) {
    for (let id = 0; id < 2 * internal + 1; id++) {
      a.nodes_treeids.push(t);
      a.nodes_nodeids.push(id);
      const leaf = id >= internal;
      a.nodes_featureids.push(leaf ? 0 : Math.floor(rand() * features));
      a.nodes_values.push(leaf ? 0 : rand() * 2 - 1);
      a.nodes_modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      a.nodes_truenodeids.push(leaf ? 0 : 2 * id + 1);
      a.nodes_falsenodeids.push(leaf ? 0 : 2 * id + 2);
      if (leaf) {
        a.target_treeids.push(t);
        a.target_nodeids.push(id);
        a.target_ids.push(0);
        a.target_weights.push(rand() - 0.5);
      }
    }
  }
  const intsOf = (xs: number[]) => ({ ints: xs });
  const bytes = modelBytes({
    ml: true,
    nodes: [
      node('Concat', columns, ['X'], { axis: 1 }),
      node(
        'TreeEnsembleRegressor',
        ['X'],
        ['variable'],
        {
          n_targets: 1,
          aggregate_function: 'SUM',
          nodes_treeids: intsOf(a.nodes_treeids),
          nodes_nodeids: intsOf(a.nodes_nodeids),
          nodes_featureids: intsOf(a.nodes_featureids),
          nodes_values: a.nodes_values,
          nodes_modes: a.nodes_modes,
          nodes_truenodeids: intsOf(a.nodes_truenodeids),
          nodes_falsenodeids: intsOf(a.nodes_falsenodeids),
          target_treeids: intsOf(a.target_treeids),
          target_nodeids: intsOf(a.target_nodeids),
          target_ids: intsOf(a.target_ids),
          target_weights: a.target_weights,
        },
        'ai.onnx.ml',
      ),
    ],
    inputs: columns.map((c) => tensorInfo(c, FLOAT, ['N', 1])),
    outputs: [tensorInfo('variable', FLOAT, ['N', 1])],
    metadata: {
      'plumb.inputs': JSON.stringify(columns.map((name) => ({ name, type: 'number', imputed: false }))),
      'plumb.task': 'regression',
      'plumb.target': 'y',
      'plumb.estimator': 'RandomForestRegressor',
    },
  });
  return { bytes, columns };
}

export { FLOAT, INT64, STRING };
