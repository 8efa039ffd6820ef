import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src-shared/nodes/catalogue.js';
import type { NodeSpec } from '../../src-shared/nodes/spec.js';
import { emptyDocument, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import {
  addNode,
  addNote,
  connect,
  connectionProblem,
  deleteElements,
  freeSpot,
  moveElements,
  newNodeId,
  resizeNote,
  setLabel,
  setNoteColor,
  setNoteText,
  setParam,
} from './document-ops.js';

const spec = (type: string, inputs: NodeSpec['inputs'], outputs: NodeSpec['outputs']): NodeSpec => ({
  type,
  version: 1,
  category: 'feature',
  title: type,
  summary: '',
  docs: '',
  inputs,
  outputs,
  params: [{ name: 'n', kind: 'number', label: 'N', default: 3 }],
});

const catalogue = createCatalogue([
  spec('t.source', [], [{ name: 'out', type: 'table' }]),
  spec('t.pass', [{ name: 'in', type: 'table' }], [{ name: 'out', type: 'table' }]),
  spec('t.train', [{ name: 'train', type: 'table' }], [{ name: 'model', type: 'model' }]),
]);

function graph(): PipelineDocument {
  let doc = emptyDocument('g');
  doc = addNode(doc, catalogue.latest('t.source')!, { x: 0, y: 0 }, 'src');
  doc = addNode(doc, catalogue.latest('t.pass')!, { x: 0, y: 0 }, 'a');
  doc = addNode(doc, catalogue.latest('t.pass')!, { x: 0, y: 0 }, 'b');
  doc = addNode(doc, catalogue.latest('t.train')!, { x: 0, y: 0 }, 'train');
  return doc;
}

const wire = (fromNode: string, fromPort: string, toNode: string, toPort: string) => ({
  from: { node: fromNode, port: fromPort },
  to: { node: toNode, port: toPort },
});

describe('document ops', () => {
  it('names new nodes after their type without dots, first free number', () => {
    let doc = graph();
    expect(newNodeId(doc, 't.pass')).toBe('tpass_1');
    doc = addNode(doc, catalogue.latest('t.pass')!, { x: 1, y: 2 });
    expect(doc.nodes.at(-1)).toMatchObject({ id: 'tpass_1', typeVersion: 1, position: { x: 1, y: 2 }, params: { n: 3 } });
    expect(newNodeId(doc, 't.pass')).toBe('tpass_2');
  });

  it('refuses to connect ports of different types, with the reason', () => {
    const doc = graph();
    const result = connect(doc, catalogue, wire('train', 'model', 'a', 'in'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/model.*table/);
  });

  it('refuses cycles and self loops', () => {
    let doc = graph();
    const r1 = connect(doc, catalogue, wire('a', 'out', 'b', 'in'));
    if (!r1.ok) throw new Error(r1.reason);
    doc = r1.document;
    expect(connectionProblem(doc, catalogue, wire('b', 'out', 'a', 'in'))).toMatch(/cycle/);
    expect(connectionProblem(doc, catalogue, wire('a', 'out', 'a', 'in'))).toMatch(/own input/);
  });

  it('replaces the edge of an input that was already wired', () => {
    let doc = graph();
    const r1 = connect(doc, catalogue, wire('src', 'out', 'b', 'in'));
    if (!r1.ok) throw new Error(r1.reason);
    const r2 = connect(r1.document, catalogue, wire('a', 'out', 'b', 'in'));
    if (!r2.ok) throw new Error(r2.reason);
    doc = r2.document;
    expect(doc.edges.map((e) => [e.from.node, e.to.node])).toEqual([['a', 'b']]);
  });

  it('returns the same document when an edit changes nothing', () => {
    const doc = graph();
    expect(setParam(doc, 'a', 'n', 3)).toBe(doc);
    expect(setLabel(doc, 'a', '  ')).toBe(doc);
    expect(deleteElements(doc, { nodes: ['nope'] })).toBe(doc);
    expect(setParam(doc, 'a', 'n', 4)).not.toBe(doc);
  });

  it('removes a param set to undefined so the default applies again', () => {
    const doc = setParam(graph(), 'a', 'n', undefined);
    expect(doc.nodes.find((n) => n.id === 'a')?.params).toEqual({});
  });
});

describe('freeSpot', () => {
  it('keeps a free position and moves below nodes in the way', () => {
    const size = { width: 100, height: 50 };
    expect(freeSpot({ x: 0, y: 0 }, size, [])).toEqual({ x: 0, y: 0 });
    const taken = [
      { x: 0, y: 0, width: 100, height: 50 },
      { x: 50, y: 74, width: 100, height: 50 },
    ];
    expect(freeSpot({ x: 10, y: 10 }, size, taken, 24)).toEqual({ x: 10, y: 148 });
  });
});

describe('sticky note ops', () => {
  it('add, write, colour, resize and move notes; unchanged edits return the same document', () => {
    let doc = addNote(graph(), { x: 5, y: 6 });
    doc = addNote(doc, { x: 0, y: 0 }, { text: 'b', color: 'green' });
    expect(doc.notes).toEqual([
      { id: 'note_1', position: { x: 5, y: 6 }, size: { width: 220, height: 120 }, text: '', color: 'yellow' },
      { id: 'note_2', position: { x: 0, y: 0 }, size: { width: 220, height: 120 }, text: 'b', color: 'green' },
    ]);
    expect(setNoteText(doc, 'note_2', 'b')).toBe(doc);
    expect(setNoteColor(doc, 'note_2', 'green')).toBe(doc);
    doc = setNoteText(setNoteColor(doc, 'note_1', 'blue'), 'note_1', 'why');
    expect(doc.notes![0]).toMatchObject({ text: 'why', color: 'blue' });
    // Never smaller than a readable minimum, always whole pixels.
    doc = resizeNote(doc, 'note_1', { x: 1, y: 2 }, { width: 10.4, height: 300.6 });
    expect(doc.notes![0]).toMatchObject({ position: { x: 1, y: 2 }, size: { width: 40, height: 301 } });
    expect(resizeNote(doc, 'note_1', { x: 1, y: 2 }, { width: 40, height: 301 })).toBe(doc);
    const moved = moveElements(doc, { nodes: { a: { x: 9, y: 9 } }, notes: { note_2: { x: 7, y: 8 } } });
    expect(moved.nodes.find((n) => n.id === 'a')!.position).toEqual({ x: 9, y: 9 });
    expect(moved.notes![1]!.position).toEqual({ x: 7, y: 8 });
    expect(moveElements(moved, { notes: { note_2: { x: 7, y: 8 } } })).toBe(moved);
  });

  it('deleting the last note leaves no notes key, so the file reads as before', () => {
    const doc = graph();
    const withNote = addNote(doc, { x: 0, y: 0 });
    const back = deleteElements(withNote, { notes: ['note_1'] });
    expect('notes' in back).toBe(false);
    expect(back).toEqual(doc);
  });
});
