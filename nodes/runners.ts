import { runnerKey, type NodeRunFn, type ParallelTaskFn, type ParallelTaskRegistry } from '../src-main/engine/node-runner.js';
import { scoreFold } from './train-tune/fold-task.js';
import { FOREST_TREE_TASK, fitForestTree } from '../src-main/ml/estimators/trees/random-forest.js';
import { runIngestCsv } from './ingest-csv/run.js';
import { runValidateProfile } from './validate-profile/run.js';
import { runFeatureJoin } from './feature-join/run.js';
import { runSplitTrainTest } from './split-train-test/run.js';
import { runValidateExpectations } from './validate-expectations/run.js';
import { runFeatureImpute } from './feature-impute/run.js';
import { runFeatureScale } from './feature-scale/run.js';
import { runFeatureEncode } from './feature-encode/run.js';
import { runFeatureBin } from './feature-bin/run.js';
import { runFeatureTransform } from './feature-transform/run.js';
import { runFeatureSelect } from './feature-select/run.js';
import { runFeatureFilter } from './feature-filter/run.js';
import { runFeatureDerive } from './feature-derive/run.js';
import { runIngestParquet } from './ingest-parquet/run.js';
import { runIngestJson } from './ingest-json/run.js';
import { runIngestSqlite } from './ingest-sqlite/run.js';
import { runIngestSample } from './ingest-sample/run.js';
import { runTrainLinearRegression } from './train-linear-regression/run.js';
import { runTrainLogisticRegression } from './train-logistic-regression/run.js';
import { runTrainNaiveBayes } from './train-naive-bayes/run.js';
import { runTrainKnn } from './train-knn/run.js';
import { runTrainTune } from './train-tune/run.js';
import { runEvaluateModel } from './evaluate-model/run.js';
import { runDeployOnnx } from './deploy-onnx/run.js';
import { runDeployBatchPredict } from './deploy-batch-predict/run.js';
import { runDeployServe } from './deploy-serve/run.js';
import { runTrainDecisionTree } from './train-decision-tree/run.js';
import { runTrainRandomForest } from './train-random-forest/run.js';
import { runTrainGradientBoosting } from './train-gradient-boosting/run.js';
import { runMonitorDrift } from './monitor-drift/run.js';

/** Node type@version -> run function (main side only). One line per node type. */
export const runners: ReadonlyMap<string, NodeRunFn> = new Map([
  [runnerKey('ingest.csv', 1), runIngestCsv],
  [runnerKey('validate.profile', 1), runValidateProfile],
  [runnerKey('feature.join', 1), runFeatureJoin],
  [runnerKey('split.train_test', 1), runSplitTrainTest],
  [runnerKey('validate.expectations', 1), runValidateExpectations],
  [runnerKey('feature.impute', 1), runFeatureImpute],
  [runnerKey('feature.scale', 1), runFeatureScale],
  [runnerKey('feature.encode', 1), runFeatureEncode],
  [runnerKey('feature.bin', 1), runFeatureBin],
  [runnerKey('feature.transform', 1), runFeatureTransform],
  [runnerKey('feature.select', 1), runFeatureSelect],
  [runnerKey('feature.filter', 1), runFeatureFilter],
  [runnerKey('feature.derive', 1), runFeatureDerive],
  [runnerKey('ingest.parquet', 1), runIngestParquet],
  [runnerKey('ingest.json', 1), runIngestJson],
  [runnerKey('ingest.sqlite', 1), runIngestSqlite],
  [runnerKey('ingest.sample', 1), runIngestSample],
  [runnerKey('train.linear_regression', 1), runTrainLinearRegression],
  [runnerKey('train.logistic_regression', 1), runTrainLogisticRegression],
  [runnerKey('train.naive_bayes', 1), runTrainNaiveBayes],
  [runnerKey('train.knn', 1), runTrainKnn],
  [runnerKey('train.tune', 1), runTrainTune],
  [runnerKey('evaluate.model', 1), runEvaluateModel],
  [runnerKey('train.decision_tree', 1), runTrainDecisionTree],
  [runnerKey('train.random_forest', 1), runTrainRandomForest],
  [runnerKey('train.gradient_boosting', 1), runTrainGradientBoosting],
  [runnerKey('deploy.onnx', 1), runDeployOnnx],
  [runnerKey('deploy.batch_predict', 1), runDeployBatchPredict],
  [runnerKey('monitor.drift', 1), runMonitorDrift],
  [runnerKey('deploy.serve', 1), runDeployServe],
  // (new runners above this line: one line each)
]);

/**
 * Name -> parallel task (RunContext.parallel): the units of work a node may spread over the
 * pool's idle workers. Every worker loads this same map, so a name means the same code everywhere.
 */
export const parallelTasks: ParallelTaskRegistry = new Map<string, ParallelTaskFn>([
  ['train.tune/fold', scoreFold],
  [FOREST_TREE_TASK, fitForestTree],
  // (new parallel tasks above this line: one line each)
]);
