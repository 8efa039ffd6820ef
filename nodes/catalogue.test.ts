import { describe, expect, it } from 'vitest';
import { runnerKey } from '../src-main/engine/node-runner.js';
import { paramSchema, validateParams } from '../src-shared/nodes/params.js';
import { NODE_CATEGORIES, PORT_TYPES, specInfo, withDefaults, type NodeSpec } from '../src-shared/nodes/spec.js';
import { catalogue, NODE_SPECS } from './index.js';
import { runners } from './runners.js';

/**
 * One conformance suite over every spec in the catalogue (as scikit-learn's check_estimator runs
 * over every estimator): a new node type is checked by adding its line to nodes/index.ts.
 */
const label = (s: NodeSpec) => `${s.type}@${s.version}`;

describe('the catalogue', () => {
  it('is not empty and holds ingest.csv and validate.profile', () => {
    expect(NODE_SPECS.map(label)).toEqual(expect.arrayContaining(['ingest.csv@1', 'validate.profile@1']));
  });

  it('has each (type, version) once, and the catalogue resolves each', () => {
    const keys = NODE_SPECS.map(label);
    expect(new Set(keys).size).toBe(keys.length);
    for (const spec of NODE_SPECS) expect(catalogue.get(spec.type, spec.version)).toBe(spec);
  });

  it('has a runner for every spec, and no runner without a spec', () => {
    const specKeys = NODE_SPECS.map((s) => runnerKey(s.type, s.version)).sort();
    expect([...runners.keys()].sort()).toEqual(specKeys);
    for (const run of runners.values()) expect(typeof run).toBe('function');
  });
});

describe.each(NODE_SPECS.map((s) => [label(s), s] as const))('%s', (_name, spec) => {
  it('names its type as category-ish dotted lowercase and has a positive integer version', () => {
    expect(spec.type).toMatch(/^[a-z]+(\.[a-z0-9_]+)+$/);
    expect(Number.isInteger(spec.version) && spec.version >= 1).toBe(true);
    expect(NODE_CATEGORIES).toContain(spec.category);
  });

  it('has a title, a one-sentence summary and docs', () => {
    expect(spec.title.trim()).not.toBe('');
    expect(spec.summary.trim()).toMatch(/\.$/);
    expect(spec.summary).not.toContain('\n');
    expect(spec.docs.trim().length).toBeGreaterThan(spec.summary.length);
  });

  it('documents every param in its docs', () => {
    for (const p of spec.params) expect(spec.docs, `param ${p.name}`).toContain(`**${p.name}**`);
  });

  it('has ports with unique names and known types', () => {
    for (const ports of [spec.inputs, spec.outputs]) {
      const names = ports.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const p of ports) expect(PORT_TYPES).toContain(p.type);
    }
    expect(spec.outputs.length).toBeGreaterThan(0);
  });

  it('has params with unique names and a label each', () => {
    const names = spec.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of spec.params) expect(p.label.trim(), p.name).not.toBe('');
  });

  it('every default passes its own param schema', () => {
    for (const p of spec.params) {
      if (p.default === undefined) continue;
      const result = paramSchema(p).safeParse(p.default);
      expect(result.success, `default of ${p.name}: ${JSON.stringify(p.default)}`).toBe(true);
    }
  });

  it('enum defaults are among the options, and option values are unique', () => {
    for (const p of spec.params) {
      if (p.kind !== 'enum') continue;
      const values = p.options.map((o) => o.value);
      expect(new Set(values).size).toBe(values.length);
      expect(values, p.name).toContain(p.default);
    }
  });

  it('column and columns params name an existing input port of type table', () => {
    for (const p of spec.params) {
      if (p.kind !== 'column' && p.kind !== 'columns') continue;
      const port = spec.inputs.find((i) => i.name === p.port);
      expect(port, `${p.name} names port "${p.port}"`).toBeDefined();
      expect(port?.type).toBe('table');
    }
  });

  it('a required param has no default (or it would never be missing)', () => {
    for (const p of spec.params) if (p.required) expect(p.default, p.name).toBeUndefined();
  });

  it('the defaults alone leave only the required params to fill', () => {
    const problems = validateParams(spec, {});
    expect(problems.map((p) => p.param).sort()).toEqual(spec.params.filter((p) => p.required).map((p) => p.name).sort());
  });

  it('inferSchema is pure and deterministic, and declares only its own output ports', () => {
    if (!spec.inferSchema) return;
    const inputs = Object.fromEntries(spec.inputs.map((p) => [p.name, undefined]));
    const params = withDefaults(spec, {});
    const frozen = JSON.stringify(params);
    const a = spec.inferSchema(inputs, params);
    const b = spec.inferSchema(inputs, params);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(params)).toBe(frozen);
    const outNames = spec.outputs.map((p) => p.name);
    for (const port of Object.keys(a.outputs)) expect(outNames).toContain(port);
    for (const [port, schema] of Object.entries(a.outputs)) {
      if (!schema) continue;
      expect(schema.kind).toBe(spec.outputs.find((p) => p.name === port)?.type);
    }
  });

  it('is plain JSON apart from inferSchema (what the API and `plumb nodes --json` hand out)', () => {
    const info = specInfo(spec);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect('inferSchema' in info).toBe(false);
  });
});
