import type { NodeSpec } from '../../src-shared/nodes/spec.js';

/** Registry names: letters, digits, dots, dashes, underscores (they appear in `name:3` and `name@production`). */
const NAME = /^[A-Za-z0-9._-]+$/;

export const deployOnnxSpec: NodeSpec = {
  type: 'deploy.onnx',
  version: 1,
  category: 'deploy',
  title: 'Deploy to ONNX',
  summary: 'Exports a model to ONNX, checks it predicts as the app does, and registers it as a model version.',
  docs: [
    'Exports the **model** (its preprocessing chain and estimator, in one graph that reads the raw',
    'columns) to ONNX, runs the exported graph with onnxruntime on the **data** rows and compares it',
    'with the app\'s own predictions (the chain replayed on each raw row, then the estimator, as',
    'evaluate.model does): labels must be equal, and each probability or regression value within',
    '**tolerance** of the app\'s, relatively. If they differ the node fails and lists the five worst',
    'rows (row number, the columns the model reads, app vs ONNX); nothing is registered.',
    '',
    'When the check passes, the ONNX file is registered in the local model registry as the next',
    'version of **name**, with its metrics, its input columns, and its lineage (this run, the model',
    'and the table it was trained on). Connect the test rows (a split\'s test output) to **data**.',
    'The metrics come from the optional **evaluation** input (an evaluate.model report on the same',
    'rows) when connected; otherwise accuracy and ROC AUC (classification) or RMSE, MAE and R2',
    '(regression) are computed on the **data** rows, when they hold the target column.',
    '',
    'Re-running with the same model registers nothing new: the same artifacts under the same name',
    'keep their version. `plumb models NAME` shows the versions and their audit trail.',
    '',
    '- **name** (required): the registry name, letters, digits, `.`, `-`, `_`.',
    '- **tolerance** (1e-5): the largest accepted relative difference between the ONNX and app',
    '  outputs (ONNX answers in float32, so 0 fails on almost any model).',
    '- **stage** (none): put the new version in staging or production (the current production',
    '  version is archived then).',
    '- **comment**: why; required when **stage** is not none, recorded in the audit trail.',
  ].join('\n'),
  inputs: [
    { name: 'model', type: 'model', label: 'Model' },
    { name: 'data', type: 'table', label: 'Rows to check (raw, e.g. the test split)' },
    { name: 'evaluation', type: 'report', label: 'Evaluation (metrics)', optional: true },
  ],
  outputs: [
    { name: 'onnx', type: 'model', label: 'ONNX model' },
    { name: 'report', type: 'report', label: 'Parity and registration' },
  ],
  params: [
    { name: 'name', kind: 'string', label: 'Registry name', required: true, placeholder: 'churn-model' },
    { name: 'tolerance', kind: 'number', label: 'Tolerance (relative)', default: 1e-5, min: 0, max: 1 },
    {
      name: 'stage',
      kind: 'enum',
      label: 'Stage',
      default: 'none',
      options: [
        { value: 'none', label: 'None' },
        { value: 'staging', label: 'Staging' },
        { value: 'production', label: 'Production' },
      ],
    },
    { name: 'comment', kind: 'string', label: 'Comment (why)', default: '' },
  ],
  inferSchema: (_inputs, params) => {
    const problems: { param: string; message: string }[] = [];
    const name = typeof params.name === 'string' ? params.name : '';
    if (name !== '' && !NAME.test(name)) {
      problems.push({ param: 'name', message: `"${name}" is not a registry name: use letters, digits, ".", "-" or "_"` });
    }
    const stage = typeof params.stage === 'string' ? params.stage : 'none';
    const comment = typeof params.comment === 'string' ? params.comment.trim() : '';
    if (stage !== 'none' && comment === '') {
      problems.push({ param: 'comment', message: `a comment is required to put the version in ${stage}` });
    }
    return { outputs: { onnx: { kind: 'model' }, report: { kind: 'report' } }, problems };
  },
};
