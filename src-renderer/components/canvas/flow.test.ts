import { describe, expect, it } from 'vitest';
import type { PipelineNode, PipelineNote } from '../../../src-shared/pipeline/document.js';
import { noteFlowId, noteIdOf, toFlowEdges, toFlowNodes, toNoteNodes, type FlowNodeCache, type NoteNodeCache } from './flow.js';

const a: PipelineNode = { id: 'a', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'x' }, label: 'A' };
const b: PipelineNode = { id: 'b', type: 'validate.profile', typeVersion: 1, position: { x: 5, y: 0 }, params: {} };
const none = new Set<string>();

describe('flow derivation', () => {
  it('carries plain data and keeps unchanged nodes identical', () => {
    const cache: FlowNodeCache = new Map();
    const first = toFlowNodes([a, b], none, {}, {}, cache);
    expect(first[0]).toMatchObject({ id: 'a', type: 'plumb', data: { type: 'ingest.csv', typeVersion: 1, params: { path: 'x' }, label: 'A' } });
    const second = toFlowNodes([a, b], new Set(['b']), {}, { a: { x: 9, y: 9 } }, cache);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.position).toEqual({ x: 9, y: 9 });
    expect(second[1]!.selected).toBe(true);
    const third = toFlowNodes([a, b], new Set(['b']), {}, { a: second[0]!.position }, cache);
    expect(third[1]).toBe(second[1]);
  });

  it('marks every node of a multiple selection', () => {
    const nodes = toFlowNodes([a, b], new Set(['a', 'b']), {}, {});
    expect(nodes.map((n) => n.selected)).toEqual([true, true]);
  });

  it('maps edges to handles named after ports, colored by port type', () => {
    const edges = toFlowEdges([{ id: 'e1', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } }], [a, b], new Set(['e1']));
    expect(edges[0]).toMatchObject({ source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'in', selected: true, className: 'edge-table' });
  });
});

describe('sticky notes on the canvas', () => {
  const note: PipelineNote = { id: 'n1', position: { x: 10, y: 20 }, text: 'why', color: 'blue', size: { width: 300, height: 90 } };

  it('get flow ids no document id can take, and back', () => {
    expect(noteFlowId('n1')).toBe('note#n1');
    expect(noteIdOf('note#n1')).toBe('n1');
    expect(noteIdOf('n1')).toBeNull();
  });

  it('are drawn behind nodes at their size, following a drag or a resize in progress', () => {
    const cache: NoteNodeCache = new Map();
    const [drawn] = toNoteNodes([note], none, {}, {}, cache);
    expect(drawn).toMatchObject({ id: 'note#n1', type: 'note', position: { x: 10, y: 20 }, width: 300, height: 90, zIndex: -1, data: { noteId: 'n1', text: 'why', color: 'blue' } });
    expect(toNoteNodes([note], none, {}, {}, cache)[0]).toBe(drawn);
    const [dragged] = toNoteNodes([note], new Set(['n1']), { 'note#n1': { x: 50, y: 60 } }, {}, cache);
    expect(dragged).toMatchObject({ position: { x: 50, y: 60 }, selected: true });
    const [resized] = toNoteNodes([note], none, {}, { 'note#n1': { x: 0, y: 5, width: 400, height: 100 } }, cache);
    expect(resized).toMatchObject({ position: { x: 0, y: 5 }, width: 400, height: 100 });
  });

  it('default to a yellow note of the default size', () => {
    const [drawn] = toNoteNodes([{ id: 'n2', position: { x: 0, y: 0 }, text: '' }], none, {}, {});
    expect(drawn).toMatchObject({ width: 220, height: 120, data: { color: 'yellow' } });
  });
});

describe('geometry before measuring', () => {
  it('estimates size and handle places as the browser lays a node out, and gives way to a measurement', () => {
    const checks: PipelineNode = { id: 'checks', type: 'validate.expectations', typeVersion: 1, position: { x: 0, y: 0 }, params: {} };
    const [estimated] = toFlowNodes([checks], none, {}, {});
    // Chromium measured this node at 210 x 170 with handles at these offsets (e2e fixture run).
    expect(estimated!.measured).toEqual({ width: 210, height: 170 });
    expect(estimated!.handles?.map((h) => [h.id, h.type, h.x, h.y])).toEqual([
      ['in', 'target', -4.5, 53.5],
      ['out', 'source', 203.5, 75.5],
      ['rejected', 'source', 203.5, 97.5],
      ['report', 'source', 203.5, 119.5],
    ]);
    const [measured] = toFlowNodes([checks], none, { checks: { width: 210, height: 190 } }, {});
    expect(measured!.measured).toEqual({ width: 210, height: 190 });
    expect(measured!.handles).toBeUndefined();
    // An unknown type gets no estimate: the canvas draws it to measure it.
    const [unknown] = toFlowNodes([{ ...checks, type: 'x.unknown' }], none, {}, {});
    expect(unknown!.measured).toBeUndefined();
  });
});
