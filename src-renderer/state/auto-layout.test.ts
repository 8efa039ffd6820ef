import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { autoLayout } from './auto-layout.js';

function telco(): PipelineDocument {
  const loaded = parsePipelineText(readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  // Everything piled up in one spot, as after pasting a pipeline written by hand.
  return { ...loaded.document, nodes: loaded.document.nodes.map((n) => ({ ...n, position: { x: 500, y: 300 } })) };
}

const SIZE = { width: 210, height: 130 };
const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  a.x < b.x + SIZE.width && b.x < a.x + SIZE.width && a.y < b.y + SIZE.height && b.y < a.y + SIZE.height;

describe('autoLayout', () => {
  it('lays the pipeline out left to right in data-flow order with no overlaps, kept where it was', () => {
    const doc = telco();
    const laid = autoLayout(doc, () => SIZE);
    const at = new Map(laid.nodes.map((n) => [n.id, n.position]));
    for (const e of doc.edges) expect(at.get(e.from.node)!.x, `${e.from.node} -> ${e.to.node}`).toBeLessThan(at.get(e.to.node)!.x);
    const nodes = laid.nodes;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) expect(overlap(nodes[i]!.position, nodes[j]!.position), `${nodes[i]!.id} / ${nodes[j]!.id}`).toBe(false);
    }
    expect(Math.min(...nodes.map((n) => n.position.x))).toBe(500);
    expect(Math.min(...nodes.map((n) => n.position.y))).toBe(300);
    for (const n of nodes) expect(Number.isInteger(n.position.x) && Number.isInteger(n.position.y)).toBe(true);
    // Only positions change, and laying out again changes nothing.
    expect(laid.nodes.map(({ position: _p, ...rest }) => rest)).toEqual(doc.nodes.map(({ position: _p, ...rest }) => rest));
    expect(autoLayout(laid, () => SIZE)).toBe(laid);
  });

  it('moves only the nodes asked for, and leaves notes alone', () => {
    const doc: PipelineDocument = { ...telco(), notes: [{ id: 'n', position: { x: 1, y: 2 }, text: '' }] };
    const laid = autoLayout(doc, () => SIZE, new Set(['scale', 'encode']));
    const moved = laid.nodes.filter((n, i) => n !== doc.nodes[i]).map((n) => n.id);
    expect(moved).toEqual(['encode']); // scale stays as the top-left anchor
    expect(laid.nodes.find((n) => n.id === 'encode')!.position.x).toBeGreaterThan(500 + SIZE.width);
    expect(laid.notes).toBe(doc.notes);
  });
});
