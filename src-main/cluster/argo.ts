import { isAbsolute } from 'node:path';
import { stringify } from 'yaml';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { sha256 } from '../util/files.js';
import { dependenciesOf } from './dag.js';
import { stepArgs } from './step-command.js';
import { dnsLabel, taskNames } from './task-names.js';

/**
 * Compiles a pipeline to an Argo Workflows `Workflow`: a DAG template with one task per node,
 * each a container running the step command on the shared store volume. The pipeline text
 * reaches every pod as a `raw` input artifact (no ConfigMap to create, and the manifest alone
 * is the whole submission). Output is deterministic: no timestamps, tasks sorted by name, so the
 * same pipeline compiles to the same bytes.
 */
export interface ArgoOptions {
  readonly image: string;
  /** Where the store volume is mounted in each pod (an absolute path). */
  readonly store: string;
  readonly namespace?: string;
  /** The ReadWriteMany PersistentVolumeClaim holding the store. */
  readonly pvc?: string;
  /** At most this many steps at once (spec.parallelism); absent = Argo's default. */
  readonly parallelism?: number;
}

export interface ArgoManifest {
  readonly yaml: string;
  /** Things the user must know before submitting (relative source paths). */
  readonly warnings: readonly string[];
}

export const DEFAULT_PVC = 'plumb-store';
/** Where the pipeline file is placed in each pod; relative source paths resolve against its folder. */
export const POD_PIPELINE_PATH = '/work/pipeline.plumb';

interface StepSize {
  readonly template: string;
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** Training (and tuning, which trains k x grid models) asks for more CPU and memory than SQL steps. */
export function stepSizeOf(nodeType: string): StepSize {
  if (nodeType.startsWith('train.')) return { template: 'plumb-step-train', requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '8Gi' } };
  if (nodeType.startsWith('evaluate.') || nodeType.startsWith('deploy.') || nodeType.startsWith('monitor.')) {
    return { template: 'plumb-step-standard', requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } };
  }
  return { template: 'plumb-step-light', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } };
}

export class CompileError extends Error {}

export function compileArgo(doc: PipelineDocument, catalogue: Catalogue, opts: ArgoOptions): ArgoManifest {
  if (!opts.image.trim()) throw new CompileError('--image: an image name is required (the runner image built from deploy/Dockerfile)');
  if (!isAbsolute(opts.store) || !opts.store.startsWith('/')) throw new CompileError(`--store: "${opts.store}" must be an absolute path: where the volume is mounted in each pod`);
  const pvc = opts.pvc ?? DEFAULT_PVC;
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(pvc)) throw new CompileError(`--pvc: "${pvc}" is not a valid PersistentVolumeClaim name`);
  if (opts.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(opts.namespace)) {
    throw new CompileError(`--namespace: "${opts.namespace}" is not a valid namespace name`);
  }
  const text = toCanonicalJson(doc);
  const hash = sha256(text);
  const names = taskNames(doc.nodes.map((n) => n.id));
  const deps = dependenciesOf(doc);
  const warnings: string[] = [];
  const sizes = new Map<string, StepSize>();
  const tasks = doc.nodes.map((n) => {
    const size = stepSizeOf(n.type);
    sizes.set(size.template, size);
    const spec = catalogue.get(n.type, n.typeVersion);
    if (spec) {
      const params = withDefaults(spec, n.params);
      for (const p of spec.params) {
        const v = params[p.name];
        if (p.kind === 'path' && typeof v === 'string' && v !== '' && !v.startsWith('/')) {
          warnings.push(`node "${n.id}": ${p.name} "${v}" is relative; in a pod it resolves against /work, so put the file on the store volume and name it by an absolute path (or bake it into the image)`);
        }
      }
    }
    const dependencies = (deps.get(n.id) ?? []).map((d) => names.get(d)!).sort();
    return {
      name: names.get(n.id)!,
      template: size.template,
      arguments: { parameters: [{ name: 'node', value: n.id }] },
      ...(dependencies.length ? { dependencies } : {}),
    };
  });
  tasks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const stepTemplates = [...sizes.values()]
    .sort((a, b) => (a.template < b.template ? -1 : 1))
    .map((size) => ({
      name: size.template,
      inputs: {
        parameters: [{ name: 'node' }],
        artifacts: [{ name: 'pipeline', path: POD_PIPELINE_PATH, raw: { data: text } }],
      },
      // Exit 1 (the node failed) and 2 (bad input) would fail again; anything else (OOM kill,
      // eviction, a lost node) is worth another try, and memoization keeps retries cheap.
      retryStrategy: {
        limit: '2',
        retryPolicy: 'Always',
        expression: 'lastRetry.status == "Error" or asInt(lastRetry.exitCode) > 2',
        backoff: { duration: '10s', factor: '2', maxDuration: '5m' },
      },
      container: {
        image: opts.image,
        command: ['plumb'],
        args: stepArgs({ file: POD_PIPELINE_PATH, node: '{{inputs.parameters.node}}', store: opts.store, runId: '{{workflow.name}}' }),
        env: [{ name: 'PLUMB_HOME', value: '/tmp/plumb-home' }],
        resources: { requests: { ...size.requests }, limits: { ...size.limits } },
        volumeMounts: [{ name: 'store', mountPath: opts.store }],
      },
    }));

  const manifest = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `plumb-${dnsLabel(doc.id, 40)}-`,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      labels: {
        'app.kubernetes.io/managed-by': 'plumb',
        'plumb.dev/pipeline-id': labelValue(doc.id),
        'plumb.dev/document-hash': hash.slice(0, 16),
      },
      annotations: {
        'plumb.dev/pipeline-name': doc.name,
        'plumb.dev/document-hash': hash,
      },
    },
    spec: {
      entrypoint: 'pipeline',
      ...(opts.parallelism ? { parallelism: opts.parallelism } : {}),
      // The image runs as its unprivileged `node` user (uid 1000); fsGroup lets it write the volume.
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
      volumes: [{ name: 'store', persistentVolumeClaim: { claimName: pvc } }],
      templates: [{ name: 'pipeline', dag: { tasks } }, ...stepTemplates],
    },
  };
  const header = `# Plumb pipeline ${doc.id.replace(/[\r\n]/g, ' ')}, document ${hash.slice(0, 12)}: one step per node.\n# Submit with: argo submit${opts.namespace ? ` -n ${opts.namespace}` : ''} <this file>; then plumb sync --store <the volume's contents>.\n`;
  return { yaml: header + stringify(manifest, { lineWidth: 0 }), warnings };
}

/** A label value: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric. */
function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'pipeline';
}
