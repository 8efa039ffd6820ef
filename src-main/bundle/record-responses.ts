import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { BundleResponse } from '../../src-shared/bundle/bundle-format.js';
import { canonicalRequest, PROFILE_REQUEST, SAMPLE_ROWS, type RecordedMethod } from '../../src-shared/bundle/recorded-requests.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { RunDetail } from '../lineage/types.js';
import { latestNodeRun } from './run-summary.js';

/** The service's own handlers, validated as a host call would be: answers are what the app shows. */
export type OwnCall = <M extends RecordedMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResponse<M>>;

export interface RecordOptions {
  readonly call: OwnCall;
  readonly document: PipelineDocument;
  /** null: the pipeline never ran; only the (empty) pipeline-wide answers are recorded. */
  readonly run: RunDetail | null;
  /** Whether a node's tables may travel as sample rows (export options). */
  readonly samplesFor: (nodeId: string) => boolean;
}

export interface Recorded {
  readonly responses: BundleResponse[];
  /** `node/port` of the table outputs whose sample rows are in the bundle. */
  readonly sampled: ReadonlySet<string>;
  readonly warnings: string[];
}

/**
 * Records the read-only answers the review mode needs, by asking the service exactly what the
 * app would: runs and experiments of the pipeline, its drift reports, the run's charts and
 * lineage graph, and per node its record, outputs and (unless samples are off for it) the first
 * rows and profile of each table. A call that fails (an evicted artifact) is left out with a
 * warning: the review mode then shows what the app shows for a missing answer.
 */
export async function recordResponses(opts: RecordOptions): Promise<Recorded> {
  const responses: BundleResponse[] = [];
  const warnings: string[] = [];
  const sampled = new Set<string>();
  const seen = new Set<string>();
  const previewed = new Set<string>();

  async function record<M extends RecordedMethod>(method: M, request: ApiRequest<M>, keep?: (r: ApiResponse<M>) => ApiResponse<M>): Promise<ApiResponse<M> | undefined> {
    const key = canonicalRequest(request);
    if (seen.has(`${method} ${key}`)) return undefined;
    seen.add(`${method} ${key}`);
    try {
      const response = await opts.call(method, request);
      responses.push({ method, request: key, response: keep ? keep(response) : response });
      return response;
    } catch (e) {
      warnings.push(`${method} ${key}: not in the bundle (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  const pipelineId = opts.document.id;
  await record('runs.list', { pipelineId });
  await record('charts.experiments', { pipelineId });
  const drift = await record('charts.driftReports', { pipelineId });
  for (const r of drift?.reports ?? []) await record('charts.drift', { runId: r.runId, node: r.nodeId });

  const run = opts.run;
  if (!run) return { responses, sampled, warnings };
  await record('charts.run', { runId: run.runId });
  await record('lineage.graph', { subject: run.runId });

  for (const node of opts.document.nodes) {
    const nr = latestNodeRun(run, node.id);
    if (!nr) continue;
    await record('run.node', { runId: run.runId, node: node.id });
    const samples = opts.samplesFor(node.id);
    for (const out of nr.outputs) {
      if (out.kind === 'file') continue;
      // run.output carries a table's first rows too: without samples they are stripped.
      const got = await record('run.output', { runId: run.runId, node: node.id, port: out.port }, (r) => (samples ? r : withoutPreview(r)));
      if (out.kind !== 'table' || !samples || !got) continue;
      // Two outputs with the same content share one artifact, recorded once.
      if (!previewed.has(out.hash) && (await record('artifact.preview', { hash: out.hash, offset: 0, limit: SAMPLE_ROWS }))) {
        previewed.add(out.hash);
        await record('artifact.profile', { hash: out.hash, ...PROFILE_REQUEST });
      }
      if (previewed.has(out.hash)) sampled.add(`${node.id}/${out.port}`);
    }
  }
  return { responses, sampled, warnings };
}

function withoutPreview(r: ApiResponse<'run.output'>): ApiResponse<'run.output'> {
  const { preview: _rows, ...rest } = r;
  return rest;
}
