import type { PipelineDocument } from '../../src-shared/pipeline/document.js';

/** A two-node pipeline (read a CSV, profile it) for renderer tests. */
export const twoNodeDocument: PipelineDocument = {
  format: 'plumb.pipeline',
  version: 2,
  id: 'test',
  name: 'Test',
  description: '',
  nodes: [
    { id: 'read', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'a.csv' } },
    { id: 'profile', type: 'validate.profile', typeVersion: 1, position: { x: 300, y: 0 }, params: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'read', port: 'out' }, to: { node: 'profile', port: 'in' } }],
};
