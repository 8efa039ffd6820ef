import type { NodeSpec } from '../../src-shared/nodes/spec.js';

/**
 * Test-only node types, handed to the engine the way the composition root hands it the real
 * catalogue. `test.step` can sleep, burn CPU or throw; `test.model` turns a table into a "model"
 * artifact so lineage can be walked from a model back to its source file.
 */
export const testStepSpec: NodeSpec = {
  type: 'test.step',
  version: 1,
  category: 'feature',
  title: 'Test step',
  summary: 'Sleeps, burns CPU or throws, then reports its value and its inputs.',
  docs: 'Test only.',
  inputs: [
    { name: 'a', type: 'report', optional: true },
    { name: 'b', type: 'report', optional: true },
  ],
  outputs: [{ name: 'out', type: 'report' }],
  params: [
    { name: 'value', kind: 'string', label: 'Value', default: '' },
    { name: 'sleepMs', kind: 'number', label: 'Sleep (ms)', default: 0, min: 0 },
    { name: 'cpuMs', kind: 'number', label: 'Busy loop (ms)', default: 0, min: 0 },
    { name: 'fail', kind: 'string', label: 'Fail with', default: '' },
  ],
};

export const testModelSpec: NodeSpec = {
  type: 'test.model',
  version: 1,
  category: 'training',
  title: 'Test model',
  summary: 'Writes a small model file made from its input table.',
  docs: 'Test only.',
  inputs: [{ name: 'train', type: 'table' }],
  outputs: [{ name: 'model', type: 'model' }],
  params: [{ name: 'seed', kind: 'number', label: 'Seed', default: 0 }],
};

export const testFitSpec: NodeSpec = {
  type: 'test.fit',
  version: 1,
  category: 'feature',
  title: 'Test fitted step',
  summary: 'Passes its table through unchanged and appends a step to the chain in its metadata.',
  docs: 'Test only.',
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params: [{ name: 'step', kind: 'string', label: 'Step name', default: 'fit' }],
};

export const testParallelSpec: NodeSpec = {
  type: 'test.parallel',
  version: 1,
  category: 'training',
  title: 'Test parallel map',
  summary: 'Squares 0..n-1 with ctx.parallel and says which worker computed each.',
  docs: 'Test only.',
  inputs: [],
  outputs: [{ name: 'out', type: 'report' }],
  params: [
    { name: 'n', kind: 'number', label: 'Items', default: 8, min: 0 },
    { name: 'cpuMs', kind: 'number', label: 'Busy loop per item (ms)', default: 0, min: 0 },
    { name: 'offset', kind: 'number', label: 'Offset', default: 0 },
    { name: 'failAt', kind: 'number', label: 'Fail at item', default: -1 },
  ],
};

export const TEST_SPECS: readonly NodeSpec[] = [testStepSpec, testModelSpec, testFitSpec, testParallelSpec];
