import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const deployBatchPredictSpec: NodeSpec = {
  type: 'deploy.batch_predict',
  version: 1,
  category: 'deploy',
  title: 'Batch predict',
  summary: 'Predicts every row of a table with a trained model or its ONNX export, in chunks.',
  docs: [
    'Scores the raw **data** rows with the **model**, reading and predicting them in chunks so a large',
    'table never sits in memory at once, and writes the input rows with the prediction columns added:',
    '`prediction` (the class label, or the value for a regression), then `p_<class>` for each class',
    'of a classifier. A name already taken by an input column gets a `_2` suffix.',
    '',
    'The model may be a trained model (a train.* output): its preprocessing chain is replayed on each',
    'raw row and its estimator predicts, the same code path as evaluate.model. Or it may be the ONNX',
    'export of a deploy.onnx node: the rows then go through onnxruntime, as in serving. A row the model',
    'cannot score (a feature missing and not imputed) gets empty prediction columns, never a made-up value.',
    '',
    '- **chunk_rows** (10,000): rows read and predicted at a time; lower it for very wide tables.',
  ].join('\n'),
  inputs: [
    { name: 'model', type: 'model', label: 'Model (trained or ONNX)' },
    { name: 'data', type: 'table', label: 'Rows to predict' },
  ],
  outputs: [{ name: 'predictions', type: 'table', label: 'Predictions' }],
  params: [{ name: 'chunk_rows', kind: 'number', label: 'Rows per chunk', default: 10_000, min: 1, max: 1_000_000, integer: true }],
  // The prediction columns depend on the model's classes: known once it runs.
  inferSchema: () => ({ outputs: { predictions: undefined } }),
};
