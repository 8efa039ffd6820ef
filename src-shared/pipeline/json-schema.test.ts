import { readFileSync } from 'node:fs';
// An independent validator (ajv, a dev dependency) checks that the generated schema means what
// the zod definition means, which asserting on its structure could not.
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { example, poke } from './example.test-helpers.js';
import { pipelineJsonSchema } from './json-schema.js';



const committedUrl = new URL('../../schemas/plumb.pipeline.schema.json', import.meta.url);

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(pipelineJsonSchema());
}

describe('pipelineJsonSchema', () => {
  it('is a draft 2020-12 schema with an id, pinning the format', () => {
    const schema = pipelineJsonSchema() as {
      $schema: string;
      $id: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { const?: unknown; items?: { required: string[] } }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\/.+plumb\.pipeline\.v2\.json$/);
    expect(schema.properties.format.const).toBe('plumb.pipeline');
    expect(schema.properties.version.const).toBe(2);
    expect(schema.required).toEqual(['format', 'version', 'id', 'name', 'description', 'nodes', 'edges']);
    expect(schema.properties.nodes.items?.required).toEqual(['id', 'type', 'typeVersion', 'position', 'params']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('accepts the shipped example (checked by Ajv, an independent validator)', () => {
    const validate = validator();
    const ok = validate(example());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('accepts the optional fields', () => {
    const doc = example();
    doc.viewport = { x: 0, y: 0, zoom: 1 };
    doc.meta = { anything: [1, { a: null }] };
    doc.nodes[0].notes = 'n';
    doc.notes = [{ id: 'n1', position: { x: 1, y: 2 }, size: { width: 100, height: 80 }, text: 'why', color: 'blue' }];
    expect(validator()(doc)).toBe(true);
  });

  it('rejects broken documents, naming where', () => {
    const validate = validator();
    // [what, path to break, value (none: delete it), where Ajv must point]
    const cases: [string, (string | number)[], unknown[], string][] = [
      ['wrong format', ['format'], ['other'], '/format'],
      ['newer version', ['version'], [3], '/version'],
      ['note without text', ['notes'], [[{ id: 'n1', position: { x: 0, y: 0 } }]], '/notes/0'],
      ['note of an unknown colour', ['notes'], [[{ id: 'n1', position: { x: 0, y: 0 }, text: '', color: 'red' }]], '/notes/0/color'],
      ['position not a number', ['nodes', 1, 'position', 'x'], ['left'], '/nodes/1/position/x'],
      ['fractional type version', ['nodes', 0, 'typeVersion'], [1.5], '/nodes/0/typeVersion'],
      ['bad node id', ['nodes', 0, 'id'], ['has space'], '/nodes/0/id'],
      ['unknown key on a node', ['nodes', 0, 'colour'], ['red'], '/nodes/0'],
      ['edge without a target', ['edges', 0, 'to'], [], '/edges/0'],
      ['params not an object', ['nodes', 1, 'params'], [[]], '/nodes/1/params'],
    ];
    for (const [what, path, value, where] of cases) {
      const doc = example();
      poke(doc, path, ...(value as [unknown?]));
      expect(validate(doc), what).toBe(false);
      expect(validate.errors?.map((e) => e.instancePath), what).toContain(where);
    }
    const { nodes: _n, ...noNodes } = example();
    expect(validate(noNodes)).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ missingProperty: 'nodes' });
  });

  it('the committed schemas/plumb.pipeline.schema.json is up to date', () => {
    // scripts/write-json-schema.ts writes exactly this text.
    const fresh = JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
    let committed = '';
    try {
      committed = readFileSync(committedUrl, 'utf8');
    } catch {
      // Reported by the assertion below.
    }
    expect(committed, 'schemas/plumb.pipeline.schema.json is stale or missing: run `npm run schema`').toBe(fresh);
  });
});
