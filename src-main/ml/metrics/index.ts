export { accuracy, argmaxProba, confusionMatrix, f1Score, precisionRecallF1, type Averaged, type ClassificationReport, type Codes } from './classification.js';
export { averagePrecision, calibrationCurve, logLoss, precisionRecallCurve, rocAuc, rocAucOvr, rocCurve, type CalibrationCurve, type PrCurve, type RocCurve } from './ranking.js';
export { mae, meanSquaredError, r2, residuals, rmse } from './regression.js';
