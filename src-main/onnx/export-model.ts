/**
 * A Plumb model (preprocessing chain + estimator) as one ONNX graph (DESIGN.md section 6). The
 * graph reads the raw columns (chainInputs), replays the chain with standard ops in double,
 * concatenates the estimator's features, runs the estimator, and answers `label` +
 * `probabilities` (classification) or `variable` (regression). README.md in this folder describes
 * the contract; the tests check it against the app's own predictions.
 */
import pkg from '../../package.json' with { type: 'json' };
import { ChainInputsError, chainInputs, type ChainInput } from '../../src-shared/transforms/chain-inputs.js';
import type { ModelArtifact } from '../ml/model-artifact.js';
import { boolToDouble, elemTypeOf, OnnxExportError, scalar, type Columns, type StepConverter } from './columns.js';
import { convertKNeighborsClassifier, convertKNeighborsRegressor } from './estimators/neighbors.js';
import { convertGaussianNB } from './estimators/naive-bayes.js';
import { convertLinearRegression, convertLogisticRegression } from './estimators/linear.js';
import {
  convertDecisionTree,
  convertHistGradientBoostingClassifier,
  convertHistGradientBoostingRegressor,
  convertRandomForest,
} from './estimators/trees.js';
import type { EstimatorConverter } from './estimators/types.js';
import { DataType, GraphBuilder, modelBytes, tensor } from './graph-builder.js';
import { convertBin } from './steps/bin.js';
import { convertEncode } from './steps/encode.js';
import { convertImpute } from './steps/impute.js';
import { convertScale } from './steps/scale.js';
import { convertTransform } from './steps/transform.js';

export { OnnxExportError } from './columns.js';

/** The metadata_props format version of an exported file; a reader refuses a newer one. */
export const PLUMB_ONNX_FORMAT = '1';

const STEPS: Readonly<Record<string, StepConverter>> = {
  'feature.impute@1': convertImpute,
  'feature.scale@1': convertScale,
  'feature.encode@1': convertEncode,
  'feature.bin@1': convertBin,
  'feature.transform@1': convertTransform,
};

const ESTIMATORS: Readonly<Record<string, { task: 'classification' | 'regression'; convert: EstimatorConverter }>> = {
  LinearRegression: { task: 'regression', convert: convertLinearRegression },
  Ridge: { task: 'regression', convert: convertLinearRegression },
  LogisticRegression: { task: 'classification', convert: convertLogisticRegression },
  GaussianNB: { task: 'classification', convert: convertGaussianNB },
  KNeighborsClassifier: { task: 'classification', convert: convertKNeighborsClassifier },
  KNeighborsRegressor: { task: 'regression', convert: convertKNeighborsRegressor },
  DecisionTreeClassifier: { task: 'classification', convert: convertDecisionTree },
  DecisionTreeRegressor: { task: 'regression', convert: convertDecisionTree },
  RandomForestClassifier: { task: 'classification', convert: convertRandomForest },
  RandomForestRegressor: { task: 'regression', convert: convertRandomForest },
  HistGradientBoostingClassifier: { task: 'classification', convert: convertHistGradientBoostingClassifier },
  HistGradientBoostingRegressor: { task: 'regression', convert: convertHistGradientBoostingRegressor },
};

export interface OnnxExportOptions {
  /** Also output `features`: the double [N, p] matrix the estimator reads (for parity checks of the chain). */
  readonly featuresOutput?: boolean;
}

export interface OnnxExport {
  /** The serialized ModelProto. */
  readonly bytes: Uint8Array;
  /** One graph input per entry, in this order, named as the column. */
  readonly inputs: readonly ChainInput[];
  /** The graph's output names: ['label', 'probabilities'] or ['variable'] (then 'features' if asked). */
  readonly outputs: readonly string[];
}

/** The exported graph's metadata_props, read by the playground and the inference side. */
export const METADATA_KEYS = ['plumb.format', 'plumb.task', 'plumb.estimator', 'plumb.target', 'plumb.classes', 'plumb.inputs', 'plumb.features'] as const;

/**
 * The model as one ONNX graph. Throws an OnnxExportError naming the node, step or field when it
 * cannot be exported faithfully (a step type without a converter, a state of an unexpected shape):
 * never a graph that would predict differently from the app.
 */
export function exportModelToOnnx(model: ModelArtifact, opts: OnnxExportOptions = {}): OnnxExport {
  const estimator = ESTIMATORS[model.estimator.kind];
  if (!estimator) throw new OnnxExportError(`no ONNX export for the estimator ${model.estimator.kind}`);
  if (estimator.task !== model.estimator.task) throw new OnnxExportError(`the model says ${model.estimator.task} but ${model.estimator.kind} is a ${estimator.task} estimator`);
  for (const step of model.chain) {
    if (!STEPS[`${step.type}@${step.version}`]) {
      throw new OnnxExportError(`the preprocessing step ${step.type}@${step.version} (node ${step.node}) cannot be exported to ONNX yet: no converter for it`);
    }
  }
  let inputs: ChainInput[];
  try {
    inputs = chainInputs(model.chain, model.features);
  } catch (e) {
    if (e instanceof ChainInputsError) throw new OnnxExportError(e.message);
    throw e;
  }
  const classes = model.estimator.task === 'classification' ? classesOf(model) : [];
  checkFeatureNames(model);

  const g = new GraphBuilder();
  let columns: Columns = new Map();
  for (const input of inputs) columns.set(input.name, { value: g.input(input.name, elemTypeOf(input.type), ['N', 1]), kind: input.type });
  for (const step of model.chain) {
    try {
      columns = STEPS[`${step.type}@${step.version}`](g, step, columns);
    } catch (e) {
      if (e instanceof OnnxExportError) throw e;
      throw new OnnxExportError(`the preprocessing step ${step.type} (node ${step.node}) could not be exported: ${(e as Error).message}`);
    }
  }
  const featureValues = model.features.map((f) => {
    const c = columns.get(f.name);
    if (!c) throw new OnnxExportError(`feature "${f.name}" is not made by the preprocessing chain from the raw inputs`);
    if (c.kind === 'text') throw new OnnxExportError(`feature "${f.name}" is text after the preprocessing chain: a model reads numbers (encode it)`);
    return c.value;
  });
  const X = featureValues.length === 1 ? featureValues[0] : g.op('Concat', featureValues, { axis: { i: 1 } }, { hint: 'features' });

  // A row the app would refuse (a missing or non-numeric feature, or a step's NaN mark) is
  // answered with NaN and an empty label rather than a made-up prediction.
  const refused = g.op('Greater', [g.op('ReduceMax', [boolToDouble(g, g.op('IsNaN', [X])), g.int64s('axis1', [1])], { keepdims: { i: 1 } }), scalar(g, 'zero', 0)], {}, { hint: 'refused' });
  let scores: string;
  try {
    scores = estimator.convert(g, model.estimator.state, X);
  } catch (e) {
    if (e instanceof OnnxExportError) throw new OnnxExportError(`${model.estimator.kind}: ${e.message}`);
    throw new OnnxExportError(`${model.estimator.kind}: the fitted state could not be exported: ${(e as Error).message}`);
  }
  const masked = g.op('Where', [refused, scalar(g, 'nan', NaN), scores]);
  const outputs: string[] = [];
  if (model.estimator.task === 'classification') {
    // ArgMax in double (first maximum on ties, as the app), before any rounding to float32.
    const best = g.op('ArgMax', [scores], { axis: { i: 1 }, keepdims: { i: 0 } });
    const refusedFlat = g.op('Squeeze', [refused, g.int64s('axis1', [1])]);
    const pick = g.op('Where', [refusedFlat, g.int64s('no_label', [classes.length], []), best]);
    g.node('Gather', [g.constant('class_labels', tensor.string([...classes, ''])), pick], { axis: { i: 0 } }, { outputs: ['label'] });
    g.node('Cast', [masked], { to: { i: DataType.FLOAT } }, { outputs: ['probabilities'] });
    g.output('label', DataType.STRING, ['N']);
    g.output('probabilities', DataType.FLOAT, ['N', classes.length]);
    outputs.push('label', 'probabilities');
  } else {
    g.node('Cast', [masked], { to: { i: DataType.FLOAT } }, { outputs: ['variable'] });
    g.output('variable', DataType.FLOAT, ['N', 1]);
    outputs.push('variable');
  }
  if (opts.featuresOutput) {
    g.rename(X, 'features');
    g.output('features', DataType.DOUBLE, ['N', model.features.length]);
    outputs.push('features');
  }

  const metadata: Record<(typeof METADATA_KEYS)[number], string> = {
    'plumb.format': PLUMB_ONNX_FORMAT,
    'plumb.task': model.estimator.task,
    'plumb.estimator': model.estimator.kind,
    'plumb.target': model.target.name,
    'plumb.classes': JSON.stringify(classes),
    'plumb.inputs': JSON.stringify(inputs),
    'plumb.features': JSON.stringify(model.features.map((f) => f.name)),
  };
  const docString =
    `${model.estimator.kind} predicting "${model.target.name}" from ${inputs.length} raw column${inputs.length === 1 ? '' : 's'} ` +
    `through ${model.chain.length} preprocessing step${model.chain.length === 1 ? '' : 's'}, exported by Plumb.`;
  const bytes = modelBytes(g.graph('plumb_model'), { producerVersion: pkg.version, docString, metadata });
  return { bytes, inputs, outputs };
}

/** The class labels, in the order of the estimator's probabilities. */
function classesOf(model: ModelArtifact): string[] {
  const state = model.estimator.state as { classes?: unknown };
  const fromState = Array.isArray(state?.classes) ? state.classes.map(String) : undefined;
  const classes = model.target.classes ? [...model.target.classes] : fromState;
  if (!classes || classes.length < 2) throw new OnnxExportError(`the model has no class labels for its target "${model.target.name}"`);
  if (fromState && fromState.join('\u0000') !== classes.join('\u0000')) {
    throw new OnnxExportError(`the estimator's classes (${fromState.join(', ')}) differ from the target's (${classes.join(', ')})`);
  }
  return classes;
}

/** The estimator state's feature names, where it records them, must be the model's features in order. */
function checkFeatureNames(model: ModelArtifact): void {
  const state = model.estimator.state as { names?: unknown; featureNames?: unknown };
  const names = Array.isArray(state?.names) ? state.names : Array.isArray(state?.featureNames) ? state.featureNames : undefined;
  const features = model.features.map((f) => f.name);
  if (names && names.join('\u0000') !== features.join('\u0000')) {
    throw new OnnxExportError(`the estimator was fitted on the features ${names.join(', ')}, the model lists ${features.join(', ')}`);
  }
}
