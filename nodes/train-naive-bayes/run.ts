import { GaussianNB } from '../../src-main/ml/estimators/naive-bayes/gaussian-nb.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainNaiveBayes = trainRunner((_task, p) => new GaussianNB({ var_smoothing: Number(p.var_smoothing) }), 'classification');
