import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue, NODE_SPECS } from '../../nodes/index.js';
import { createCatalogue } from '../nodes/catalogue.js';
import type { NodeSpec, TableSchema } from '../nodes/spec.js';
import type { Problem } from '../problems.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document.js';
import { checkGraph } from './graph-checks.js';

const example = (): PipelineDocument =>
  JSON.parse(readFileSync(new URL('../../examples/penguins-profile.plumb', import.meta.url), 'utf8'));

let nextY = 0;
function node(id: string, type: string, params: Record<string, unknown> = {}, typeVersion = 1): PipelineNode {
  return { id, type, typeVersion, position: { x: 0, y: (nextY += 100) }, params };
}
function edge(id: string, from: string, fromPort: string, to: string, toPort: string): PipelineEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}
function doc(nodes: PipelineNode[], edges: PipelineEdge[] = []): PipelineDocument {
  return { format: 'plumb.pipeline', version: 2, id: 't', name: 't', description: '', nodes, edges };
}
const csv = (id: string, params: Record<string, unknown> = { path: 'x.csv' }) => node(id, 'ingest.csv', params);
const profile = (id: string, params: Record<string, unknown> = {}) => node(id, 'validate.profile', params);

/** Problems as compact tuples, easy to compare whole. */
const brief = (problems: readonly Problem[]) => problems.map((p) => [p.code, p.nodeId, p.field ?? p.edgeId]);
const codes = (problems: readonly Problem[]) => problems.map((p) => p.code);

/** A test-only source whose output schema is known before running, as a Parquet reader's would be. */
const PENGUIN_SCHEMA: TableSchema = {
  kind: 'table',
  columns: [
    { name: 'species', type: 'VARCHAR' },
    { name: 'body_mass_g', type: 'BIGINT' },
  ],
};
const knownTable: NodeSpec = {
  type: 'test.known_table',
  version: 1,
  category: 'ingestion',
  title: 'Known table',
  summary: 'test',
  docs: 'test',
  inputs: [],
  outputs: [{ name: 'out', type: 'table' }],
  params: [],
  inferSchema: () => ({ outputs: { out: PENGUIN_SCHEMA } }),
};
/** A test-only table -> table node, so that a cycle can be wired with matching ports. */
const passThrough: NodeSpec = {
  type: 'test.pass',
  version: 1,
  category: 'feature',
  title: 'Pass',
  summary: 'test',
  docs: 'test',
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params: [],
  inferSchema: (inputs) => ({ outputs: { out: inputs.in } }),
};
const withTestNodes = createCatalogue([...NODE_SPECS, knownTable, passThrough]);

describe('checkGraph with the shipped catalogue', () => {
  it('finds nothing wrong with the shipped example', () => {
    const result = checkGraph(example(), catalogue);
    expect(result.problems).toEqual([]);
    expect(result.order).toEqual(['read_penguins', 'profile']);
    // The CSV's columns are only known once it is read; the rejected port's are fixed.
    expect(result.schemas.get('read_penguins')?.out).toBeUndefined();
    expect(result.schemas.get('read_penguins')?.rejected?.kind).toBe('table');
    expect(result.schemas.get('profile')).toEqual({ report: { kind: 'report' } });
  });

  it('orders nodes topologically whatever their order in the file', () => {
    const d = doc(
      [profile('p2'), profile('p1'), csv('b'), csv('a')],
      [edge('e1', 'a', 'out', 'p1', 'in'), edge('e2', 'b', 'out', 'p2', 'in')],
    );
    const { problems, order } = checkGraph(d, catalogue);
    expect(problems).toEqual([]);
    expect(order).toHaveLength(4);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('p1'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('p2'));
    // Stable in document order among the ready nodes.
    expect(order).toEqual(['b', 'a', 'p2', 'p1']);
  });

  it('orders a longer chain', () => {
    const d = doc(
      [node('c', 'test.pass'), node('b', 'test.pass'), node('src', 'test.known_table'), node('a', 'test.pass')],
      [edge('e1', 'b', 'out', 'c', 'in'), edge('e2', 'a', 'out', 'b', 'in'), edge('e3', 'src', 'out', 'a', 'in')],
    );
    const { problems, order } = checkGraph(d, withTestNodes);
    expect(problems).toEqual([]);
    expect(order).toEqual(['src', 'a', 'b', 'c']);
  });

  it('reports a cycle on each node of the cycle, and not on a node merely downstream of it', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('a', 'test.pass'), node('b', 'test.pass'), node('c', 'test.pass'), node('after', 'test.pass'), profile('end')],
      [
        edge('e0', 'src', 'out', 'a', 'in'), // wires a's input twice: also reported, not a cycle
        edge('e1', 'a', 'out', 'b', 'in'),
        edge('e2', 'b', 'out', 'c', 'in'),
        edge('e3', 'c', 'out', 'a', 'in'),
        edge('e4', 'c', 'out', 'after', 'in'),
        edge('e5', 'after', 'out', 'end', 'in'),
      ],
    );
    const { problems, order } = checkGraph(d, withTestNodes);
    const cycle = problems.filter((p) => p.code === 'cycle');
    expect(cycle.map((p) => p.nodeId).sort()).toEqual(['a', 'b', 'c']);
    expect(cycle[0].message).toMatch(/cycle/);
    expect(problems.filter((p) => p.nodeId === 'after' || p.nodeId === 'end')).toEqual([]);
    // Nodes on or behind the cycle cannot be ordered; the source can.
    expect(order).toEqual(['src']);
  });

  it('reports a two-node cycle with the shipped nodes too, besides the wrong port types', () => {
    const d = doc([profile('p1'), profile('p2')], [edge('e1', 'p1', 'report', 'p2', 'in'), edge('e2', 'p2', 'report', 'p1', 'in')]);
    const { problems } = checkGraph(d, catalogue);
    expect(problems.filter((p) => p.code === 'cycle').map((p) => p.nodeId)).toEqual(['p1', 'p2']);
    expect(problems.filter((p) => p.code === 'port-type-mismatch')).toHaveLength(2);
  });

  it('names each node\'s own loop when there are two separate cycles', () => {
    const d = doc(
      [node('a', 'test.pass'), node('x', 'test.pass'), node('b', 'test.pass'), node('y', 'test.pass')],
      [edge('e1', 'a', 'out', 'b', 'in'), edge('e2', 'b', 'out', 'a', 'in'), edge('e3', 'x', 'out', 'y', 'in'), edge('e4', 'y', 'out', 'x', 'in')],
    );
    const cycle = checkGraph(d, withTestNodes).problems.filter((p) => p.code === 'cycle');
    expect(cycle.map((p) => [p.nodeId, p.message])).toEqual([
      ['a', 'is part of a cycle (a -> b); a pipeline must flow one way'],
      ['x', 'is part of a cycle (x -> y); a pipeline must flow one way'],
      ['b', 'is part of a cycle (a -> b); a pipeline must flow one way'],
      ['y', 'is part of a cycle (x -> y); a pipeline must flow one way'],
    ]);
  });

  it('checks a 10,000-node cycle (the most a file may hold) with short messages', () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`, 'test.pass'));
    const edges = nodes.map((_, i) => edge(`e${i}`, `n${i}`, 'out', `n${(i + 1) % n}`, 'in'));
    const { problems, order } = checkGraph(doc(nodes, edges), withTestNodes);
    expect(order).toEqual([]);
    expect(problems).toHaveLength(n);
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(['cycle']));
    expect(problems[0].message).toBe(
      'is part of a cycle (n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> ... (10000 nodes)); a pipeline must flow one way',
    );
  });

  it('reports a self-loop as a cycle', () => {
    const d = doc([node('a', 'test.pass')], [edge('e1', 'a', 'out', 'a', 'in')]);
    expect(brief(checkGraph(d, withTestNodes).problems)).toEqual([['cycle', 'a', undefined]]);
  });

  it('reports an unknown node type, naming the node, and still checks the rest', () => {
    const d = doc([csv('read'), node('mystery', 'ingest.excel'), profile('p', { columns: 3 })], [edge('e1', 'read', 'out', 'p', 'in')]);
    const { problems } = checkGraph(d, catalogue);
    expect(brief(problems)).toEqual([
      ['unknown-node-type', 'mystery', undefined],
      ['bad-param', 'p', 'columns'],
    ]);
    expect(problems[0].message).toContain('"ingest.excel"');
  });

  it('reports an unknown version of a known type, listing the known ones', () => {
    const d = doc([node('read', 'ingest.csv', { path: 'x.csv' }, 7)]);
    const { problems } = checkGraph(d, catalogue);
    expect(brief(problems)).toEqual([['unknown-node-version', 'read', undefined]]);
    expect(problems[0].message).toBe('"ingest.csv" has no version 7 (known: 1)');
  });

  it('reports a dangling edge', () => {
    const d = doc([csv('read')], [edge('e1', 'read', 'out', 'gone', 'in')]);
    const { problems } = checkGraph(d, catalogue);
    expect(problems.map((p) => [p.code, p.edgeId, p.nodeId])).toEqual([['dangling-edge', 'e1', 'read']]);
    expect(problems[0].message).toContain('"gone"');
    const both = checkGraph(doc([], [edge('e2', 'x', 'out', 'y', 'in')]), catalogue).problems;
    expect(codes(both)).toEqual(['dangling-edge']);
    expect(both[0].message).toContain('"x" and "y"');
  });

  it('reports unknown ports on either end', () => {
    const d = doc([csv('read'), profile('p')], [edge('e1', 'read', 'output', 'p', 'in')]);
    const out = checkGraph(d, catalogue).problems;
    expect(out.map((p) => [p.code, p.nodeId, p.edgeId])).toEqual([['unknown-port', 'read', 'e1']]);
    expect(out[0].message).toContain('no output "output"');
    const d2 = doc([csv('read'), profile('p')], [edge('e1', 'read', 'out', 'p', 'input')]);
    const in2 = checkGraph(d2, catalogue).problems;
    expect(in2.map((p) => [p.code, p.nodeId, p.field])).toEqual([
      ['unknown-port', 'p', undefined],
      ['missing-input', 'p', 'in'],
    ]);
    expect(in2[0].message).toContain('no input "input"');
  });

  it('refuses a report output wired into a table input, with both port types in the message', () => {
    const d = doc(
      [csv('read'), profile('p1'), profile('p2')],
      [edge('e1', 'read', 'out', 'p1', 'in'), edge('e2', 'p1', 'report', 'p2', 'in')],
    );
    const { problems } = checkGraph(d, catalogue);
    expect(problems.map((p) => [p.code, p.nodeId, p.edgeId])).toEqual([['port-type-mismatch', 'p2', 'e2']]);
    expect(problems[0].message).toBe('cannot connect p1.report (report) to p2.in (table)');
  });

  it('reports an input wired twice', () => {
    const d = doc([csv('a'), csv('b'), profile('p')], [edge('e1', 'a', 'out', 'p', 'in'), edge('e2', 'b', 'out', 'p', 'in')]);
    const { problems } = checkGraph(d, catalogue);
    expect(problems.map((p) => [p.code, p.nodeId, p.edgeId])).toEqual([['input-wired-twice', 'p', 'e2']]);
    expect(problems[0].message).toContain('edges e1 and e2');
  });

  it('reports a required input left unconnected', () => {
    const { problems } = checkGraph(doc([profile('p')]), catalogue);
    expect(brief(problems)).toEqual([['missing-input', 'p', 'in']]);
  });

  it('reports duplicate node ids (and duplicate edge ids)', () => {
    const d = doc([csv('read'), csv('read', { path: 'other.csv' }), profile('p')], [
      edge('e1', 'read', 'out', 'p', 'in'),
      edge('e1', 'read', 'rejected', 'p', 'in'),
    ]);
    const found = codes(checkGraph(d, catalogue).problems);
    expect(found).toContain('duplicate-node-id');
    expect(found).toContain('duplicate-edge-id');
    expect(checkGraph(d, catalogue).problems.find((p) => p.code === 'duplicate-node-id')?.nodeId).toBe('read');
  });

  it('reports bad params per param: wrong type, unknown key, missing required, value not allowed', () => {
    const d = doc([
      csv('wrongType', { path: 'x.csv', header: 'yes' }),
      csv('unknownKey', { path: 'x.csv', pth: 'y.csv' }),
      csv('missingPath', {}),
      csv('emptyPath', { path: '' }),
      csv('badEnum', { path: 'x.csv', badRows: 'ignore' }),
      csv('badList', { path: 'x.csv', nullValues: 'NA' }),
    ]);
    const { problems } = checkGraph(d, catalogue);
    expect(brief(problems)).toEqual([
      ['bad-param', 'wrongType', 'header'],
      ['bad-param', 'unknownKey', 'pth'],
      ['bad-param', 'missingPath', 'path'],
      ['bad-param', 'emptyPath', 'path'],
      ['bad-param', 'badEnum', 'badRows'],
      ['bad-param', 'badList', 'nullValues'],
    ]);
    const message = (id: string) => problems.find((p) => p.nodeId === id)!.message;
    expect(message('wrongType')).toBe('First row is a header must be a boolean (got a string)');
    expect(message('unknownKey')).toBe('unknown param "pth"');
    expect(message('missingPath')).toBe('File is required');
    expect(message('badEnum')).toBe('Bad rows must be one of fail, skip, reject');
  });

  it('reports a delimiter that is neither auto nor one character, from inferSchema', () => {
    const { problems } = checkGraph(doc([csv('read', { path: 'x.csv', delimiter: ';;' })]), catalogue);
    expect(brief(problems)).toEqual([['bad-reference', 'read', 'delimiter']]);
    expect(checkGraph(doc([csv('read', { path: 'x.csv', delimiter: '\\t' })]), catalogue).problems).toEqual([]);
  });
});

describe('checkGraph: column references through inferSchema', () => {
  it('reports validate.profile columns that the upstream schema lacks', () => {
    const d = doc(
      [node('src', 'test.known_table'), profile('p', { columns: ['species', 'bill_length_mm', 'island'] })],
      [edge('e1', 'src', 'out', 'p', 'in')],
    );
    const { problems, schemas } = checkGraph(d, withTestNodes);
    expect(schemas.get('src')?.out).toEqual(PENGUIN_SCHEMA);
    expect(brief(problems)).toEqual([
      ['bad-reference', 'p', 'columns'],
      ['bad-reference', 'p', 'columns'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'column "bill_length_mm" is not in the input',
      'column "island" is not in the input',
    ]);
  });

  it('accepts columns that exist, also through a node that passes its schema on', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('mid', 'test.pass'), profile('p', { columns: ['body_mass_g'] })],
      [edge('e1', 'src', 'out', 'mid', 'in'), edge('e2', 'mid', 'out', 'p', 'in')],
    );
    const { problems, schemas } = checkGraph(d, withTestNodes);
    expect(problems).toEqual([]);
    expect(schemas.get('mid')?.out).toEqual(PENGUIN_SCHEMA);
  });

  it('does not guess when the upstream columns are unknown before running', () => {
    const d = doc([csv('read'), profile('p', { columns: ['anything'] })], [edge('e1', 'read', 'out', 'p', 'in')]);
    expect(checkGraph(d, catalogue).problems).toEqual([]);
  });

  it('turns an inferSchema that throws into a problem on that node only', () => {
    const broken: NodeSpec = { ...passThrough, type: 'test.broken', inferSchema: () => { throw new Error('boom'); } };
    const cat = createCatalogue([...NODE_SPECS, knownTable, broken]);
    const d = doc(
      [node('src', 'test.known_table'), node('b', 'test.broken'), profile('p', { columns: ['x'] })],
      [edge('e1', 'src', 'out', 'b', 'in'), edge('e2', 'b', 'out', 'p', 'in')],
    );
    const { problems } = checkGraph(d, cat);
    expect(brief(problems)).toEqual([['infer-failed', 'b', undefined]]);
    expect(problems[0].message).toContain('boom');
  });
});

describe('checkGraph: leakage risk (a fitted step upstream of a split)', () => {
  /** Test-only: a split (its type starts with `split.`) and a fitted table -> table step. */
  const split: NodeSpec = {
    ...passThrough,
    type: 'split.test_only',
    title: 'Split',
    outputs: [
      { name: 'train', type: 'table' },
      { name: 'test', type: 'table' },
    ],
    inferSchema: (inputs) => ({ outputs: { train: inputs.in, test: inputs.in } }),
  };
  const fitted: NodeSpec = { ...passThrough, type: 'test.fitted', title: 'Fitted', fits: true };
  const cat = createCatalogue([...NODE_SPECS, knownTable, passThrough, split, fitted]);
  const leaks = (problems: readonly Problem[]) => problems.filter((p) => p.code === 'leakage-risk');

  it('warns on a fitted step feeding a split, naming the split and the fix', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('fit', 'test.fitted'), node('sp', 'split.test_only')],
      [edge('e1', 'src', 'out', 'fit', 'in'), edge('e2', 'fit', 'out', 'sp', 'in')],
    );
    const { problems } = checkGraph(d, cat);
    expect(brief(problems)).toEqual([['leakage-risk', 'fit', undefined]]);
    expect(problems[0].severity).toBe('warning');
    expect(problems[0].message).toBe('is fitted on rows that include the test rows of split sp: move it after the split (on its train output)');
  });

  it('warns however far downstream the split is, and only on the fitted nodes', () => {
    const d = doc(
      [
        node('src', 'test.known_table'),
        node('fit', 'test.fitted'),
        node('mid', 'test.pass'),
        node('fit2', 'test.fitted'),
        node('mid2', 'test.pass'),
        node('sp', 'split.test_only'),
      ],
      [
        edge('e1', 'src', 'out', 'fit', 'in'),
        edge('e2', 'fit', 'out', 'mid', 'in'),
        edge('e3', 'mid', 'out', 'fit2', 'in'),
        edge('e4', 'fit2', 'out', 'mid2', 'in'),
        edge('e5', 'mid2', 'out', 'sp', 'in'),
      ],
    );
    expect(brief(checkGraph(d, cat).problems)).toEqual([
      ['leakage-risk', 'fit', undefined],
      ['leakage-risk', 'fit2', undefined],
    ]);
  });

  it('says nothing of a fitted step after the split, on its train output', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('sp', 'split.test_only'), node('fit', 'test.fitted'), profile('p')],
      [edge('e1', 'src', 'out', 'sp', 'in'), edge('e2', 'sp', 'train', 'fit', 'in'), edge('e3', 'fit', 'out', 'p', 'in')],
    );
    expect(checkGraph(d, cat).problems).toEqual([]);
  });

  it('says nothing of a fitted step on a branch that does not reach the split', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('sp', 'split.test_only'), node('fit', 'test.fitted'), profile('p')],
      [edge('e1', 'src', 'out', 'sp', 'in'), edge('e2', 'src', 'out', 'fit', 'in'), edge('e3', 'fit', 'out', 'p', 'in')],
    );
    expect(leaks(checkGraph(d, cat).problems)).toEqual([]);
  });

  it('says nothing without a fitted step, nor without a split', () => {
    const noFit = doc(
      [node('src', 'test.known_table'), node('mid', 'test.pass'), node('sp', 'split.test_only')],
      [edge('e1', 'src', 'out', 'mid', 'in'), edge('e2', 'mid', 'out', 'sp', 'in')],
    );
    expect(checkGraph(noFit, cat).problems).toEqual([]);
    const noSplit = doc(
      [node('src', 'test.known_table'), node('fit', 'test.fitted'), profile('p')],
      [edge('e1', 'src', 'out', 'fit', 'in'), edge('e2', 'fit', 'out', 'p', 'in')],
    );
    expect(checkGraph(noSplit, cat).problems).toEqual([]);
  });

  it('warns once per fitted step feeding two splits, naming the first split in document order', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('fit', 'test.fitted'), node('sp2', 'split.test_only'), node('sp1', 'split.test_only')],
      [edge('e1', 'src', 'out', 'fit', 'in'), edge('e2', 'fit', 'out', 'sp1', 'in'), edge('e3', 'fit', 'out', 'sp2', 'in')],
    );
    const found = leaks(checkGraph(d, cat).problems);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('split sp2:');
  });

  it('warns on a fitted step that is both after one split and before another', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('outer', 'split.test_only'), node('fit', 'test.fitted'), node('inner', 'split.test_only')],
      [edge('e1', 'src', 'out', 'outer', 'in'), edge('e2', 'outer', 'train', 'fit', 'in'), edge('e3', 'fit', 'out', 'inner', 'in')],
    );
    expect(leaks(checkGraph(d, cat).problems).map((p) => [p.nodeId, p.message.includes('split inner:')])).toEqual([['fit', true]]);
  });

  it('is a warning: it does not stop a pipeline with a cycle elsewhere from being checked', () => {
    const d = doc(
      [node('src', 'test.known_table'), node('fit', 'test.fitted'), node('sp', 'split.test_only'), node('a', 'test.pass'), node('b', 'test.pass')],
      [edge('e1', 'src', 'out', 'fit', 'in'), edge('e2', 'fit', 'out', 'sp', 'in'), edge('e3', 'a', 'out', 'b', 'in'), edge('e4', 'b', 'out', 'a', 'in')],
    );
    const { problems } = checkGraph(d, cat);
    expect(codes(problems).sort()).toEqual(['cycle', 'cycle', 'leakage-risk']);
    expect(leaks(problems)[0].severity).toBe('warning');
  });

  it('applies to the shipped fitted feature nodes', () => {
    const fittedTypes = NODE_SPECS.filter((s) => s.fits === true).map((s) => s.type);
    expect(fittedTypes).toEqual(
      expect.arrayContaining(['feature.impute', 'feature.scale', 'feature.encode', 'feature.bin', 'feature.transform']),
    );
    const d = doc(
      [node('src', 'test.known_table'), node('scale', 'feature.scale', { columns: ['body_mass_g'] }), node('sp', 'split.test_only')],
      [edge('e1', 'src', 'out', 'scale', 'in'), edge('e2', 'scale', 'out', 'sp', 'in')],
    );
    expect(brief(checkGraph(d, cat).problems)).toEqual([['leakage-risk', 'scale', undefined]]);
  });
});
