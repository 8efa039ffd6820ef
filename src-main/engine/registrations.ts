import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord, LogLine, MetricPoint } from '../lineage/types.js';
import type { ModelRegistrationRequest } from './node-runner.js';
import { TaskFailed } from './worker-pool.js';

/**
 * Applies the model registrations a node asked for (RunContext.registerModel), in the main
 * process, once its outputs are in the lineage store: the ports a request names become artifact
 * hashes, and the run and node run become the version's lineage. Returns what to record of it:
 * a log line per version and the `registered_version` metric, so the node's run shows which
 * version it made (or found). A refusal is the node's failure, with the registry's reason.
 */
export function applyRegistrations(
  lineage: LineageStore,
  requests: readonly ModelRegistrationRequest[],
  at: {
    readonly runId: string;
    readonly nodeRunId: number;
    readonly outputs: Readonly<Record<string, ArtifactRecord>>;
    readonly inputs: Readonly<Record<string, ArtifactRecord | undefined>>;
  },
): { logs: LogLine[]; metrics: MetricPoint[] } {
  const logs: LogLine[] = [];
  const metrics: MetricPoint[] = [];
  for (const r of requests) {
    const model = at.outputs[r.modelPort] ?? at.inputs[r.modelPort];
    if (!model) throw new TaskFailed(`registering model "${r.name}": the node has no port "${r.modelPort}" with a model`, undefined, true);
    const onnx = r.onnxPort === undefined ? undefined : at.outputs[r.onnxPort];
    if (r.onnxPort !== undefined && !onnx) throw new TaskFailed(`registering model "${r.name}": the node produced no "${r.onnxPort}" output`, undefined, true);
    try {
      const result = lineage.registerModelVersion({
        name: r.name,
        artifactHash: model.hash,
        ...(onnx ? { onnxHash: onnx.hash } : {}),
        runId: at.runId,
        nodeRunId: at.nodeRunId,
        ...(r.trainingDataHash ? { trainingDataHash: r.trainingDataHash } : {}),
        ...(r.metrics ? { metrics: r.metrics } : {}),
        ...(r.inputSchema ? { inputSchema: r.inputSchema } : {}),
        ...(r.stage ? { stage: r.stage } : {}),
        ...(r.comment ? { comment: r.comment } : {}),
      });
      const what = result.created ? 'registered' : 'already registered (same artifacts), kept';
      logs.push({ time: Date.now(), level: 'info', message: `model "${r.name}" version ${result.version} ${what}; stage ${result.stage}` });
      metrics.push({ name: 'registered_version', value: result.version });
    } catch (e) {
      throw new TaskFailed(`registering model "${r.name}": ${e instanceof Error ? e.message : String(e)}`, undefined, true);
    }
  }
  return { logs, metrics };
}
