import { describe, expect, it } from 'vitest';
import type { PipelineNode } from '../../../src-shared/pipeline/document.js';
import { toFlowEdges, toFlowNodes, type FlowNodeCache } from './flow.js';

const a: PipelineNode = { id: 'a', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'x' }, label: 'A' };
const b: PipelineNode = { id: 'b', type: 'validate.profile', typeVersion: 1, position: { x: 5, y: 0 }, params: {} };

describe('flow derivation', () => {
  it('carries plain data and keeps unchanged nodes identical', () => {
    const cache: FlowNodeCache = new Map();
    const first = toFlowNodes([a, b], null, {}, {}, cache);
    expect(first[0]).toMatchObject({ id: 'a', type: 'plumb', data: { type: 'ingest.csv', typeVersion: 1, params: { path: 'x' }, label: 'A' } });
    const second = toFlowNodes([a, b], 'b', {}, { a: { x: 9, y: 9 } }, cache);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.position).toEqual({ x: 9, y: 9 });
    expect(second[1]!.selected).toBe(true);
    const third = toFlowNodes([a, b], 'b', {}, { a: second[0]!.position }, cache);
    expect(third[1]).toBe(second[1]);
  });

  it('maps edges to handles named after ports, colored by port type', () => {
    const edges = toFlowEdges([{ id: 'e1', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } }], [a, b], 'e1');
    expect(edges[0]).toMatchObject({ source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'in', selected: true, className: 'edge-table' });
  });
});
