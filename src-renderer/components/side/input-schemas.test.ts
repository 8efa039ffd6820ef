import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/index.js';
import { emptyDocument, type PipelineDocument } from '../../../src-shared/pipeline/document.js';
import { checkGraph } from '../../../src-shared/pipeline/graph-checks.js';
import { inferWithRuns, knownInputs } from './input-schemas.js';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, position: { x: 0, y: 0 }, params });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

/** CSV -> impute -> split -> logistic regression: the CSV's columns are only known once it ran. */
const churn: PipelineDocument = {
  ...emptyDocument('churn'),
  nodes: [
    node('csv', 'ingest.csv', { path: 'telco_churn.csv' }),
    node('impute', 'feature.impute', { columns: ['total_charges'] }),
    node('split', 'split.train_test'),
    node('lr', 'train.logistic_regression', { target: 'churn' }),
  ],
  edges: [edge('e1', 'csv', 'out', 'impute', 'in'), edge('e2', 'impute', 'out', 'split', 'in'), edge('e3', 'split', 'train', 'lr', 'train')],
};
const columns = [
  { name: 'churn', type: 'BOOLEAN' },
  { name: 'tenure', type: 'BIGINT' },
  { name: 'total_charges', type: 'DOUBLE' },
];
const order = checkGraph(churn, catalogue).order;

describe('the columns the inspector offers', () => {
  it('knows nothing downstream of a CSV that has not run', () => {
    const schemas = inferWithRuns(churn, order, catalogue, {});
    expect(knownInputs(churn, 'impute', schemas)).toEqual({});
    expect(knownInputs(churn, 'lr', schemas)).toEqual({});
  });

  it("takes a source's columns from its last run, and infers every node downstream from them", () => {
    const runs = { csv: { outputs: [{ port: 'out', kind: 'table' as const, hash: 'h', bytes: 1, rows: 3, columns }] } };
    const schemas = inferWithRuns(churn, order, catalogue, runs);
    expect(knownInputs(churn, 'impute', schemas)).toEqual({ in: { columns, source: 'last run' } });
    // Through the impute and the split's train port, by inferSchema.
    expect(knownInputs(churn, 'lr', schemas).train).toEqual({ columns, source: 'last run' });
  });

  it('needs no run for a sample data set: inferSchema knows its columns', () => {
    const doc: PipelineDocument = {
      ...churn,
      nodes: [node('csv', 'ingest.sample', { dataset: 'telco_churn' }), ...churn.nodes.slice(1)],
    };
    const schemas = inferWithRuns(doc, checkGraph(doc, catalogue).order, catalogue, {});
    const known = knownInputs(doc, 'lr', schemas).train;
    expect(known.source).toBe('inferred');
    expect(known.columns.map((c) => c.name)).toContain('contract');
    expect(known.columns).toHaveLength(20);
  });
});
