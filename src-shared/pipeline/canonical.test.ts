import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sortKeys, toCanonicalJson } from './canonical.js';
import { PipelineDocument } from './document.js';
import { parsePipelineText } from './load.js';

const exampleText = readFileSync(new URL('../../examples/penguins-profile.plumb', import.meta.url), 'utf8');

/** A document whose keys are written in an unusual order, with unrounded positions. */
function messyDocument(): PipelineDocument {
  return {
    edges: [{ to: { port: 'in', node: 'b' }, from: { port: 'out', node: 'a' }, id: 'e1' }],
    nodes: [
      {
        params: { path: 'x.csv', badRows: 'skip', nested: { z: 1, a: { y: [{ b: 2, a: 1 }], c: 3 } } },
        position: { y: 20.4999, x: 10.5 },
        typeVersion: 1,
        type: 'ingest.csv',
        id: 'a',
        notes: 'read the raw file',
        label: 'Raw',
      },
      { position: { x: -0.4, y: -3.6 }, params: {}, id: 'b', type: 'validate.profile', typeVersion: 1 },
    ],
    meta: { zeta: true, alpha: { d: 1, c: 2 } },
    viewport: { zoom: 1.23456, y: -7.7, x: 3.2 },
    description: 'd',
    name: 'n',
    id: 'p',
    version: 2,
    format: 'plumb.pipeline',
  };
}

/** The same document as its canonical form must read back: positions and viewport rounded. */
function rounded(doc: PipelineDocument): PipelineDocument {
  const r = (v: number): number => {
    const x = Math.round(v);
    return Object.is(x, -0) ? 0 : x;
  };
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, position: { x: r(n.position.x), y: r(n.position.y) } })),
    ...(doc.viewport
      ? { viewport: { x: r(doc.viewport.x), y: r(doc.viewport.y), zoom: Math.round(doc.viewport.zoom * 1000) / 1000 } }
      : {}),
  };
}

describe('toCanonicalJson', () => {
  it('writes the top-level, node and edge keys in a fixed order whatever the input order', () => {
    const parsed = JSON.parse(toCanonicalJson(messyDocument()));
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'id', 'name', 'description', 'nodes', 'edges', 'viewport', 'meta']);
    expect(Object.keys(parsed.nodes[0])).toEqual(['id', 'type', 'typeVersion', 'label', 'position', 'params', 'notes']);
    expect(Object.keys(parsed.nodes[1])).toEqual(['id', 'type', 'typeVersion', 'position', 'params']);
    expect(Object.keys(parsed.nodes[0].position)).toEqual(['x', 'y']);
    expect(Object.keys(parsed.edges[0])).toEqual(['id', 'from', 'to']);
    expect(Object.keys(parsed.edges[0].from)).toEqual(['node', 'port']);
    expect(Object.keys(parsed.edges[0].to)).toEqual(['node', 'port']);
    expect(Object.keys(parsed.viewport)).toEqual(['x', 'y', 'zoom']);
  });

  it('gives the same bytes for two documents that differ only in key order', () => {
    const a = messyDocument();
    const b = JSON.parse(JSON.stringify(a), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as PipelineDocument;
    expect(Object.keys(b)[0]).toBe('format'); // really reversed
    expect(toCanonicalJson(b)).toBe(toCanonicalJson(a));
  });

  it('sorts params and meta keys recursively, keeping array order', () => {
    const parsed = JSON.parse(toCanonicalJson(messyDocument()));
    expect(Object.keys(parsed.nodes[0].params)).toEqual(['badRows', 'nested', 'path']);
    expect(Object.keys(parsed.nodes[0].params.nested)).toEqual(['a', 'z']);
    expect(Object.keys(parsed.nodes[0].params.nested.a)).toEqual(['c', 'y']);
    expect(Object.keys(parsed.nodes[0].params.nested.a.y[0])).toEqual(['a', 'b']);
    expect(Object.keys(parsed.meta)).toEqual(['alpha', 'zeta']);
    expect(Object.keys(parsed.meta.alpha)).toEqual(['c', 'd']);
    expect(sortKeys([3, { b: 1, a: [2, 1] }])).toEqual([3, { a: [2, 1], b: 1 }]);
    expect(JSON.stringify(sortKeys({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });

  it('rounds positions to whole pixels (no -0) and the zoom to three decimals', () => {
    const parsed = JSON.parse(toCanonicalJson(messyDocument()));
    expect(parsed.nodes[0].position).toEqual({ x: 11, y: 20 });
    expect(parsed.nodes[1].position).toEqual({ x: 0, y: -4 });
    expect(Object.is(parsed.nodes[1].position.x, -0)).toBe(false);
    expect(parsed.viewport).toEqual({ x: 3, y: -8, zoom: 1.235 });
    expect(toCanonicalJson(messyDocument())).toContain('"x": 0,');
  });

  it('indents with two spaces and ends with exactly one newline', () => {
    const text = toCanonicalJson(messyDocument());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n')[1]).toBe('  "format": "plumb.pipeline",');
    expect(text).not.toContain('\t');
    expect(text).toContain('\n    {\n      "id": "a",');
    expect(text).not.toContain('\r');
  });

  it('round-trips: parsing the canonical text gives the document with rounded positions', () => {
    const doc = messyDocument();
    const back = parsePipelineText(toCanonicalJson(doc));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.document).toEqual(rounded(doc));
  });

  it('is idempotent: canonicalising canonical text changes nothing', () => {
    const once = toCanonicalJson(messyDocument());
    const twice = toCanonicalJson(JSON.parse(once));
    expect(twice).toBe(once);
  });

  it('leaves optional fields out when they are absent', () => {
    const doc = messyDocument();
    delete doc.viewport;
    delete doc.meta;
    const parsed = JSON.parse(toCanonicalJson(doc));
    expect('viewport' in parsed).toBe(false);
    expect('meta' in parsed).toBe(false);
    expect('label' in parsed.nodes[1]).toBe(false);
    expect('notes' in parsed.nodes[1]).toBe(false);
  });

  it('does not change the document it is given', () => {
    const doc = messyDocument();
    const before = JSON.stringify(doc);
    toCanonicalJson(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('the shipped example is already canonical: reading and re-saving gives identical bytes', () => {
    const loaded = parsePipelineText(exampleText);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(toCanonicalJson(loaded.document)).toBe(exampleText);
  });

  it('writes sticky notes after the edges, keys in a fixed order, rounded, and no key for none', () => {
    const doc: PipelineDocument = {
      ...messyDocument(),
      notes: [
        { text: 'why', color: 'pink', size: { height: 80.6, width: 0.2 }, position: { y: 3.5, x: -0.2 }, id: 'n1' },
        { text: 'plain', position: { x: 1, y: 2 }, id: 'n2' },
      ],
    };
    const parsed = JSON.parse(toCanonicalJson(doc));
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'id', 'name', 'description', 'nodes', 'edges', 'notes', 'viewport', 'meta']);
    expect(parsed.notes).toEqual([
      // A size never rounds down to 0, which the schema would refuse on reading.
      { id: 'n1', position: { x: 0, y: 4 }, size: { width: 1, height: 81 }, text: 'why', color: 'pink' },
      { id: 'n2', position: { x: 1, y: 2 }, text: 'plain' },
    ]);
    expect(Object.keys(parsed.notes[0])).toEqual(['id', 'position', 'size', 'text', 'color']);
    const back = parsePipelineText(toCanonicalJson(doc));
    expect(back.ok && toCanonicalJson(back.document)).toBe(toCanonicalJson(doc));
    expect('notes' in JSON.parse(toCanonicalJson({ ...doc, notes: [] }))).toBe(false);
  });
});
