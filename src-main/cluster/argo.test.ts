import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/index.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { compileArgo, CompileError } from './argo.js';
import { DNS_LABEL, taskNames } from './task-names.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.plumb')).sort();
const OPTS = { image: 'registry.example.com/plumb-runner:0.1.0', store: '/store', namespace: 'ml', pvc: 'plumb-store' };

function load(file: string): PipelineDocument {
  const loaded = parsePipelineText(readFileSync(join(ROOT, 'examples', file), 'utf8'));
  if (!loaded.ok) throw new Error(`${file}: ${loaded.reason}`);
  return loaded.document;
}

/** Argo's own JSON Schema (schemas/argo-workflows.schema.json, Apache 2.0), its Workflow definition. */
function workflowValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/argo-workflows.schema.json'), 'utf8')) as Record<string, unknown>;
  // The schema uses Kubernetes formats (int32, int-or-string) ajv does not know: types are still checked.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(schema, 'argo');
  const validate = ajv.getSchema('argo#/definitions/io.argoproj.workflow.v1alpha1.Workflow');
  if (!validate) throw new Error('no Workflow definition in the Argo schema');
  return validate;
}
const validate = workflowValidator();

interface Manifest {
  metadata: { generateName: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    entrypoint: string;
    volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
    templates: {
      name: string;
      dag?: { tasks: { name: string; template: string; dependencies?: string[]; arguments: { parameters: { name: string; value: string }[] } }[] };
      inputs?: { artifacts: { path: string; raw: { data: string } }[] };
      container?: { image: string; command: string[]; args: string[]; resources: { requests: { cpu: string; memory: string } }; volumeMounts: { mountPath: string }[] };
      retryStrategy?: { limit: string };
    }[];
  };
}

describe('plumb compile --target argo', () => {
  it.each(EXAMPLES)('%s compiles to a Workflow that validates against Argo\'s schema', (file) => {
    const doc = load(file);
    const manifest = parse(compileArgo(doc, catalogue, OPTS).yaml) as Manifest;
    expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const dag = manifest.spec.templates.find((t) => t.name === manifest.spec.entrypoint)!.dag!;
    // One task per node, dependencies exactly the edges.
    expect(dag.tasks.map((t) => t.arguments.parameters[0].value).sort()).toEqual(doc.nodes.map((n) => n.id).sort());
    const taskOf = new Map(dag.tasks.map((t) => [t.arguments.parameters[0].value, t]));
    for (const n of doc.nodes) {
      const expected = [...new Set(doc.edges.filter((e) => e.to.node === n.id).map((e) => taskOf.get(e.from.node)!.name))].sort();
      expect(taskOf.get(n.id)!.dependencies ?? []).toEqual(expected);
      expect(taskOf.get(n.id)!.name).toMatch(DNS_LABEL);
    }
    // The pipeline reaches the pod as a raw artifact, the step command reads it and the volume.
    for (const t of manifest.spec.templates.filter((x) => x.container)) {
      expect(JSON.parse(t.inputs!.artifacts[0].raw.data)).toMatchObject({ id: doc.id, nodes: expect.any(Array) });
      expect(t.container!.args).toEqual(['run', '/work/pipeline.plumb', '--only', '{{inputs.parameters.node}}', '--store', '/store', '--run', '{{workflow.name}}', '--json']);
      expect(t.container!.image).toBe(OPTS.image);
      expect(t.container!.volumeMounts[0].mountPath).toBe('/store');
      expect(t.retryStrategy!.limit).toBe('2');
    }
    expect(manifest.spec.volumes[0].persistentVolumeClaim.claimName).toBe('plumb-store');
    expect(manifest.metadata.namespace).toBe('ml');
    expect(manifest.metadata.labels['plumb.dev/pipeline-id']).toBe(doc.id);
    expect(manifest.metadata.annotations['plumb.dev/document-hash']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects broken manifests: the validation can fail', () => {
    const good = parse(compileArgo(load('telco-churn-model.plumb'), catalogue, OPTS).yaml) as Manifest;
    expect(validate(good)).toBe(true);
    const noName = structuredClone(good);
    delete (noName.spec.templates[0].dag!.tasks[0] as Partial<{ name: string }>).name;
    expect(validate(noName)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('name');
    const wrongType = structuredClone(good) as unknown as { spec: { templates: { dag?: { tasks: { dependencies?: unknown }[] } }[] } };
    wrongType.spec.templates[0].dag!.tasks[0].dependencies = 'split';
    expect(validate(wrongType)).toBe(false);
    const wrongKind = { ...structuredClone(good), kind: 'Pod' };
    expect(validate(wrongKind)).toBe(false);
  });

  it('compiles the same pipeline to the same bytes, and a changed one to different bytes', () => {
    const doc = load('telco-churn-model.plumb');
    const a = compileArgo(doc, catalogue, OPTS).yaml;
    const b = compileArgo(structuredClone(doc), catalogue, OPTS).yaml;
    expect(b).toBe(a);
    // The DAG does not depend on the order nodes are listed in; a param changes the bytes.
    const dagOf = (yaml: string) => (parse(yaml) as Manifest).spec.templates[0];
    expect(dagOf(compileArgo({ ...doc, nodes: [...doc.nodes].reverse() }, catalogue, OPTS).yaml)).toEqual(dagOf(a));
    const changed = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'split' ? { ...n, params: { ...n.params, seed: 7 } } : n)) };
    expect(compileArgo(changed, catalogue, OPTS).yaml).not.toBe(a);
  });

  it('asks for more CPU and memory for training than for SQL steps', () => {
    const manifest = parse(compileArgo(load('telco-churn-model.plumb'), catalogue, OPTS).yaml) as Manifest;
    const tasks = manifest.spec.templates[0].dag!.tasks;
    const templateOf = (node: string) => manifest.spec.templates.find((t) => t.name === tasks.find((x) => x.arguments.parameters[0].value === node)!.template)!;
    expect(templateOf('model').container!.resources.requests).toEqual({ cpu: '2', memory: '4Gi' });
    expect(templateOf('split').container!.resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  it('warns of relative source paths, which resolve against /work in a pod', () => {
    const { warnings } = compileArgo(load('penguins-profile.plumb'), catalogue, OPTS);
    expect(warnings).toEqual([expect.stringContaining('node "read_penguins": path "../samples/penguins.csv" is relative')]);
  });

  it('refuses a relative store path, a bad PVC or namespace with a reason', () => {
    const doc = load('penguins-profile.plumb');
    expect(() => compileArgo(doc, catalogue, { ...OPTS, store: 'store' })).toThrow(new CompileError('--store: "store" must be an absolute path: where the volume is mounted in each pod'));
    expect(() => compileArgo(doc, catalogue, { ...OPTS, pvc: 'Bad_PVC' })).toThrow(/--pvc: "Bad_PVC" is not a valid/);
    expect(() => compileArgo(doc, catalogue, { ...OPTS, namespace: 'ML' })).toThrow(/--namespace: "ML"/);
  });
});

describe('task names', () => {
  it('are DNS-1123 labels, unique, and stable', () => {
    const names = taskNames(['read_penguins', 'Read-Penguins', 'read.penguins', '__', 'x'.repeat(80), '9lives']);
    expect([...names.values()].every((n) => DNS_LABEL.test(n))).toBe(true);
    expect(new Set(names.values()).size).toBe(6);
    expect(names.get('read_penguins')).toMatch(/^read-penguins(-\d)?$/);
    expect(names.get('__')).toBe('node');
    expect(names.get('x'.repeat(80))).toHaveLength(63);
    expect(taskNames(['b', 'a'])).toEqual(taskNames(['a', 'b']));
  });
});
