import { describe, expect, it } from 'vitest';
import { example, poke } from './example.test-helpers.js';
import { emptyDocument, PIPELINE_FORMAT, PIPELINE_VERSION, PipelineDocument } from './document.js';




/** The zod issue paths of a parse that must fail, joined with dots for readable assertions. */
function issuePaths(value: unknown): string[] {
  const result = PipelineDocument.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('PipelineDocument schema', () => {
  it('accepts the shipped example and an empty document', () => {
    expect(PipelineDocument.safeParse(example()).success).toBe(true);
    const empty = emptyDocument('p1');
    expect(empty).toEqual({
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      id: 'p1',
      name: 'Untitled pipeline',
      description: '',
      nodes: [],
      edges: [],
    });
    expect(PipelineDocument.safeParse(empty).success).toBe(true);
  });

  it('accepts the optional fields: label, notes, viewport and meta', () => {
    const doc = example();
    doc.nodes[0].notes = 'read me';
    doc.viewport = { x: 1, y: 2, zoom: 0.75 };
    doc.meta = { author: 'ann', tags: ['a'] };
    expect(PipelineDocument.safeParse(doc).success).toBe(true);
  });

  it('rejects unknown keys at every level instead of dropping them', () => {
    expect(issuePaths({ ...example(), extra: 1 })).toEqual(['']);
    const doc = example();
    poke(doc, ['nodes', 1, 'colour'], 'red');
    expect(issuePaths(doc)).toEqual(['nodes.1']);
    const doc2 = example();
    poke(doc2, ['edges', 0, 'from', 'socket'], 'x');
    expect(issuePaths(doc2)).toEqual(['edges.0.from']);
  });

  it('rejects ids with characters outside letters, digits and _ . : -', () => {
    const doc = example();
    doc.nodes[0].id = 'read penguins';
    expect(issuePaths(doc)).toEqual(['nodes.0.id']);
    const doc2 = example();
    doc2.id = '';
    expect(new Set(issuePaths(doc2))).toEqual(new Set(['id'])); // too short, and no allowed character

  });

  it('rejects non-finite or missing positions and non-integer type versions', () => {
    const doc = example();
    poke(doc, ['nodes', 0, 'position'], { x: 1 });
    doc.nodes[1].typeVersion = 1.5;
    expect(issuePaths(doc).sort()).toEqual(['nodes.0.position.y', 'nodes.1.typeVersion']);
    // JSON has no Infinity, but a document built in code can carry one.
    const doc2 = example();
    doc2.nodes[0].position = { x: Number.POSITIVE_INFINITY, y: 0 };
    expect(issuePaths(doc2)).toEqual(['nodes.0.position.x']);
  });

  it('pins the format name and version', () => {
    expect(issuePaths({ ...example(), format: 'other' })).toEqual(['format']);
    expect(issuePaths({ ...example(), version: PIPELINE_VERSION + 1 })).toEqual(['version']);
  });

  it('requires params on every node, even when empty', () => {
    const doc = example();
    poke(doc, ['nodes', 1, 'params']);
    expect(issuePaths(doc)).toEqual(['nodes.1.params']);
  });
});
