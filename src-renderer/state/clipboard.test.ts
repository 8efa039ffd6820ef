import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/index.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { copySelection, duplicateSelection, fragmentText, parseClipboardText, pasteFragment, type PipelineFragment } from './clipboard.js';
import { EMPTY_SELECTION } from './selection.js';

const modelText = readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8');
function telco(): PipelineDocument {
  const loaded = parsePipelineText(modelText);
  if (!loaded.ok) throw new Error(loaded.reason);
  return loaded.document;
}

const sel = (nodes: string[], notes: string[] = []) => ({ ...EMPTY_SELECTION, nodes, notes });

/** A fragment through the clipboard and back, as between two windows. */
function roundTrip(fragment: PipelineFragment): PipelineFragment {
  const parsed = parseClipboardText(fragmentText(fragment), catalogue);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.fragment;
}

describe('copy', () => {
  it('takes the selected nodes with the edges between them, and nothing when nothing is selected', () => {
    const doc = telco();
    const fragment = copySelection(doc, sel(['split', 'scale', 'encode', 'evaluate']))!;
    expect(fragment.format).toBe('plumb.fragment');
    expect(fragment.nodes.map((n) => n.id)).toEqual(['split', 'scale', 'encode', 'evaluate']);
    // split->scale, scale->encode, split->evaluate; not checks->split nor model->evaluate.
    expect(fragment.edges.map((e) => `${e.from.node}->${e.to.node}`)).toEqual(['split->scale', 'scale->encode', 'split->evaluate']);
    expect(copySelection(doc, EMPTY_SELECTION)).toBeNull();
  });

  it('writes readable JSON that a text editor can change and paste back', () => {
    const doc = telco();
    const text = fragmentText(copySelection(doc, sel(['scale']))!);
    expect(text).toContain('\n  "nodes": [\n');
    const edited = text.replace('"tenure",', '');
    expect(edited).not.toBe(text);
    const parsed = parseClipboardText(edited, catalogue);
    expect(parsed.ok && parsed.fragment.nodes[0]!.params.columns).toEqual(['monthly_charges', 'total_charges']);
  });
});

describe('paste', () => {
  it('into another window keeps ids, params and wiring, placed at the point asked', () => {
    const doc = telco();
    const fragment = roundTrip(copySelection(doc, sel(doc.nodes.map((n) => n.id)))!);
    const empty: PipelineDocument = { ...doc, id: 'other', nodes: [], edges: [] };
    const result = pasteFragment(empty, fragment, { at: { x: 100, y: 200 } });
    expect(result.nodes).toEqual(doc.nodes.map((n) => n.id));
    expect(result.document.nodes.map((n) => n.params)).toEqual(doc.nodes.map((n) => n.params));
    const minX = Math.min(...result.document.nodes.map((n) => n.position.x));
    const minY = Math.min(...result.document.nodes.map((n) => n.position.y));
    expect({ minX, minY }).toEqual({ minX: 100, minY: 200 });
    expect(result.document.edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`)).toEqual(
      doc.edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`),
    );
    expect(checkGraph(result.document, catalogue).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('into the same pipeline gives fresh ids and rewires the copies among themselves', () => {
    const doc = telco();
    const result = duplicateSelection(doc, sel(['scale', 'encode']))!;
    expect(result.nodes).toEqual(['scale_1', 'encode_1']);
    expect(result.document.nodes).toHaveLength(doc.nodes.length + 2);
    const copy = result.document.nodes.find((n) => n.id === 'scale_1')!;
    const original = doc.nodes.find((n) => n.id === 'scale')!;
    expect(copy.position).toEqual({ x: original.position.x + 40, y: original.position.y + 40 });
    const newEdges = result.document.edges.filter((e) => result.edges.includes(e.id));
    expect(newEdges.map((e) => `${e.from.node}->${e.to.node}`)).toEqual(['scale_1->encode_1']);
    // The originals keep their wires; edge ids never repeat.
    expect(result.document.edges.slice(0, doc.edges.length)).toEqual(doc.edges);
    expect(new Set(result.document.edges.map((e) => e.id)).size).toBe(result.document.edges.length);
    // Duplicating the duplicate counts on.
    expect(duplicateSelection(result.document, sel(['scale_1']))!.nodes).toEqual(['scale_2']);
  });

  it('copies sticky notes along, under new ids when theirs are taken', () => {
    const doc: PipelineDocument = { ...telco(), notes: [{ id: 'note_1', position: { x: 0, y: -100 }, text: 'Split before fitting', color: 'pink' }] };
    const result = duplicateSelection(doc, sel(['split'], ['note_1']))!;
    expect(result.notes).toEqual(['note_2']);
    expect(result.document.notes).toEqual([doc.notes![0], { id: 'note_2', position: { x: 40, y: -60 }, text: 'Split before fitting', color: 'pink' }]);
    const back = parsePipelineText(toCanonicalJson(result.document));
    expect(back.ok).toBe(true);
  });

  it('takes a whole pipeline file pasted from a text editor', () => {
    const parsed = parseClipboardText(modelText, catalogue);
    expect(parsed.ok && parsed.fragment.nodes.length).toBe(7);
    expect(parsed.ok && parsed.fragment.edges.length).toBe(7);
  });
});

describe('pasted text is checked before anything changes', () => {
  const reasonOf = (text: string): string => {
    const parsed = parseClipboardText(text, catalogue);
    expect(parsed.ok).toBe(false);
    return parsed.ok ? '' : parsed.reason;
  };
  const fragment = () => JSON.parse(fragmentText(copySelection(telco(), sel(['split', 'scale', 'encode']))!)) as Record<string, unknown> & PipelineFragment;

  it('refuses text that is not JSON or not Plumb nodes', () => {
    expect(reasonOf('hello world')).toBe('Cannot paste: the clipboard holds text that is not JSON, not Plumb nodes.');
    expect(reasonOf('{"a": 1}')).toMatch(/not Plumb nodes \(format is null/);
    expect(reasonOf('[1, 2]')).toMatch(/not Plumb nodes/);
  });

  it('names what is damaged: a field, an unknown type, a wrong wire, a newer format', () => {
    const noParams = fragment();
    delete (noParams.nodes[1] as Partial<PipelineFragment['nodes'][number]>).params;
    expect(reasonOf(JSON.stringify(noParams))).toBe('Cannot paste: the copied nodes are damaged at nodes.1.params: Invalid input: expected record, received undefined.');

    const unknown = fragment();
    unknown.nodes[0]!.type = 'feature.teleport';
    expect(reasonOf(JSON.stringify(unknown))).toBe('Cannot paste: node "split" is of type "feature.teleport" version 1, which this Plumb does not know.');

    const crossed = fragment();
    crossed.edges[0]!.from.port = 'nope';
    expect(reasonOf(JSON.stringify(crossed))).toMatch(/^Cannot paste: edge "e\d+" \(split\.nope -> scale\.in\): Cannot connect: .* has no output "nope"\.$/);

    const newer = { ...fragment(), version: 99 };
    expect(reasonOf(JSON.stringify(newer))).toMatch(/copied from a newer Plumb \(format version 99; this version reads up to 2\)/);

    const twice = fragment();
    twice.nodes[1]!.id = 'split';
    expect(reasonOf(JSON.stringify(twice))).toBe('Cannot paste: two nodes have the id "split".');
  });

  it('drops wires to nodes that were not copied', () => {
    const f = fragment();
    f.edges.push({ id: 'x', from: { node: 'telco', port: 'out' }, to: { node: 'split', port: 'in' } });
    const parsed = parseClipboardText(JSON.stringify(f), catalogue);
    expect(parsed.ok && parsed.fragment.edges.map((e) => e.id)).not.toContain('x');
  });
});
