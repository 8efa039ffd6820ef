import { createCatalogue } from '../src-shared/nodes/catalogue.js';
import type { NodeSpec } from '../src-shared/nodes/spec.js';
import { ingestCsvSpec } from './ingest-csv/spec.js';
import { validateProfileSpec } from './validate-profile/spec.js';

/** The catalogue of node specs (renderer-safe). Adding a node type adds one line here. */
export const NODE_SPECS: readonly NodeSpec[] = [
  ingestCsvSpec,
  validateProfileSpec,
  // (new node specs above this line: one line each)
];

export const catalogue = createCatalogue(NODE_SPECS);
