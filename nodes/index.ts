import { createCatalogue } from '../src-shared/nodes/catalogue.js';
import type { NodeSpec } from '../src-shared/nodes/spec.js';
import { ingestCsvSpec } from './ingest-csv/spec.js';
import { ingestParquetSpec } from './ingest-parquet/spec.js';
import { ingestJsonSpec } from './ingest-json/spec.js';
import { ingestSqliteSpec } from './ingest-sqlite/spec.js';
import { ingestSampleSpec } from './ingest-sample/spec.js';
import { validateExpectationsSpec } from './validate-expectations/spec.js';
import { validateProfileSpec } from './validate-profile/spec.js';
import { featureSelectSpec } from './feature-select/spec.js';
import { featureFilterSpec } from './feature-filter/spec.js';
import { featureDeriveSpec } from './feature-derive/spec.js';
import { featureImputeSpec } from './feature-impute/spec.js';
import { featureScaleSpec } from './feature-scale/spec.js';
import { featureEncodeSpec } from './feature-encode/spec.js';
import { featureBinSpec } from './feature-bin/spec.js';
import { featureTransformSpec } from './feature-transform/spec.js';
import { featureJoinSpec } from './feature-join/spec.js';
import { splitTrainTestSpec } from './split-train-test/spec.js';
import { trainLinearRegressionSpec } from './train-linear-regression/spec.js';
import { trainLogisticRegressionSpec } from './train-logistic-regression/spec.js';
import { trainDecisionTreeSpec } from './train-decision-tree/spec.js';
import { trainRandomForestSpec } from './train-random-forest/spec.js';
import { trainGradientBoostingSpec } from './train-gradient-boosting/spec.js';
import { trainNaiveBayesSpec } from './train-naive-bayes/spec.js';
import { trainKnnSpec } from './train-knn/spec.js';
import { trainTuneSpec } from './train-tune/spec.js';
import { evaluateModelSpec } from './evaluate-model/spec.js';
import { deployOnnxSpec } from './deploy-onnx/spec.js';
import { deployBatchPredictSpec } from './deploy-batch-predict/spec.js';
import { deployServeSpec } from './deploy-serve/spec.js';
import { monitorDriftSpec } from './monitor-drift/spec.js';

/** The catalogue of node specs (renderer-safe). Adding a node type adds one line here. */
export const NODE_SPECS: readonly NodeSpec[] = [
  ingestCsvSpec,
  ingestParquetSpec,
  ingestJsonSpec,
  ingestSqliteSpec,
  ingestSampleSpec,
  validateExpectationsSpec,
  validateProfileSpec,
  featureSelectSpec,
  featureFilterSpec,
  featureDeriveSpec,
  featureImputeSpec,
  featureScaleSpec,
  featureEncodeSpec,
  featureBinSpec,
  featureTransformSpec,
  featureJoinSpec,
  splitTrainTestSpec,
  trainLinearRegressionSpec,
  trainLogisticRegressionSpec,
  trainDecisionTreeSpec,
  trainRandomForestSpec,
  trainGradientBoostingSpec,
  trainNaiveBayesSpec,
  trainKnnSpec,
  trainTuneSpec,
  evaluateModelSpec,
  deployOnnxSpec,
  deployBatchPredictSpec,
  monitorDriftSpec,
  deployServeSpec,
  // (new node specs above this line: one line each)
];

export const catalogue = createCatalogue(NODE_SPECS);
