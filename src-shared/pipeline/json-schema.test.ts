import { readFileSync } from 'node:fs';
// ajv is not a dependency of ours: it is in node_modules through electron-builder (a dev
// dependency), which is enough for a test. An independent validator checks that the generated
// schema means what the zod definition means, which asserting on its structure could not.
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from './json-schema.js';

const exampleText = readFileSync(new URL('../../examples/penguins-profile.plumb', import.meta.url), 'utf8');
const example = (): Record<string, any> => JSON.parse(exampleText);
const committedUrl = new URL('../../schemas/plumb.pipeline.schema.json', import.meta.url);

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(pipelineJsonSchema());
}

describe('pipelineJsonSchema', () => {
  it('is a draft 2020-12 schema with an id, pinning the format', () => {
    const schema = pipelineJsonSchema() as Record<string, any>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\/.+plumb\.pipeline\.v1\.json$/);
    expect(schema.properties.format.const).toBe('plumb.pipeline');
    expect(schema.properties.version.const).toBe(1);
    expect(schema.required).toEqual(['format', 'version', 'id', 'name', 'description', 'nodes', 'edges']);
    expect(schema.properties.nodes.items.required).toEqual(['id', 'type', 'typeVersion', 'position', 'params']);
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
    expect(validator()(doc)).toBe(true);
  });

  it('rejects broken documents, naming where', () => {
    const validate = validator();
    const cases: [string, (doc: Record<string, any>) => void, string][] = [
      ['wrong format', (d) => (d.format = 'other'), '/format'],
      ['newer version', (d) => (d.version = 2), '/version'],
      ['position not a number', (d) => (d.nodes[1].position.x = 'left'), '/nodes/1/position/x'],
      ['fractional type version', (d) => (d.nodes[0].typeVersion = 1.5), '/nodes/0/typeVersion'],
      ['bad node id', (d) => (d.nodes[0].id = 'has space'), '/nodes/0/id'],
      ['unknown key on a node', (d) => (d.nodes[0].colour = 'red'), '/nodes/0'],
      ['edge without a target', (d) => delete d.edges[0].to, '/edges/0'],
      ['params not an object', (d) => (d.nodes[1].params = []), '/nodes/1/params'],
    ];
    for (const [what, breakIt, where] of cases) {
      const doc = example();
      breakIt(doc);
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
