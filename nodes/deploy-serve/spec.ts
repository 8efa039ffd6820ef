import type { NodeSpec } from '../../src-shared/nodes/spec.js';

/** NAME, NAME:3 or NAME@stage, with registry names of letters, digits, ".", "-", "_". */
const MODEL_REF = /^[A-Za-z0-9._-]+(:[1-9][0-9]*|@[a-z]+)?$/;

export const deployServeSpec: NodeSpec = {
  type: 'deploy.serve',
  version: 1,
  category: 'deploy',
  title: 'Serve model',
  summary: 'Serves a registered model version as a local HTTP prediction endpoint, rolled out beside the current one.',
  docs: [
    'Starts a prediction endpoint on 127.0.0.1 for a registered model, or rolls a new version out on',
    'the endpoint already serving that model. The endpoint belongs to the app: it keeps serving',
    'after the run, shows in the **Serving** panel (URL, token, traffic split, live charts, routing',
    'controls) and stops when the app closes or from the panel.',
    '',
    'Which version: connect the **onnx** output of a deploy.onnx node to serve the version it',
    'registered, or name one in **model** (`churn`, `churn:3`, `churn@production`).',
    '',
    'Callers send `POST /predict` with `{"rows": [{column: value, ...}]}` and the bearer token the',
    'panel shows; `GET /health`, `GET /model` and `GET /metrics` (Prometheus) are there too. Every',
    'request is appended to the prediction log, whose path the panel shows: an ingest node reads',
    'it, so monitor.drift can compare live traffic with the training rows.',
    '',
    'This node runs every time (never from the cache): serving is an action, not a result.',
    'Under `plumb run` nothing outlives the run, so no endpoint starts: the report says so and',
    'names the command that serves the same version, `plumb serve-model NAME:VERSION`.',
    '',
    '- **model**: the model reference; leave empty when **onnx** is connected.',
    '- **port** (0): the port to listen on; 0 picks a free one. Ignored when the model is already served.',
    '- **strategy** (replace): how the version joins an endpoint already serving the model:',
    '  `replace` switches all traffic at once (blue-green without keeping the old version warm),',
    '  `blue-green` switches all new requests while requests in flight finish on the old version,',
    '  `canary` sends **percent** of requests to it (raised, promoted or rolled back from the',
    '  panel; rolled back by itself when its errors or latency pass the thresholds), `shadow`',
    '  scores every request with it but answers with the current version.',
    '- **percent** (10): the canary\'s share of requests.',
  ].join('\n'),
  inputs: [{ name: 'onnx', type: 'model', label: 'ONNX model (from deploy.onnx)', optional: true }],
  outputs: [{ name: 'report', type: 'report', label: 'Endpoint' }],
  params: [
    { name: 'model', kind: 'string', label: 'Model (NAME, NAME:3, NAME@stage)', default: '', placeholder: 'churn-model@production' },
    { name: 'port', kind: 'number', label: 'Port (0 = any)', default: 0, min: 0, max: 65535 },
    {
      name: 'strategy',
      kind: 'enum',
      label: 'Rollout',
      default: 'replace',
      options: [
        { value: 'replace', label: 'Replace' },
        { value: 'blue-green', label: 'Blue-green switch' },
        { value: 'canary', label: 'Canary' },
        { value: 'shadow', label: 'Shadow' },
      ],
    },
    { name: 'percent', kind: 'number', label: 'Canary percent', default: 10, min: 0, max: 100 },
  ],
  effect: true,
  inferSchema: (inputs, params) => {
    const problems: { param: string; message: string }[] = [];
    const model = typeof params.model === 'string' ? params.model.trim() : '';
    if (model !== '' && !MODEL_REF.test(model)) {
      problems.push({ param: 'model', message: `"${model}" is not a model reference: use NAME, NAME:3 or NAME@stage` });
    }
    if (model === '' && !inputs.onnx) problems.push({ param: 'model', message: 'name a model, or connect the onnx output of a deploy.onnx node' });
    const port = Number(params.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push({ param: 'port', message: `${String(params.port)} is not a port (0-65535)` });
    return { outputs: { report: { kind: 'report' } }, problems };
  },
};
