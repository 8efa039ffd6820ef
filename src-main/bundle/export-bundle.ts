import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BUNDLE_ENTRY, BUNDLE_FORMAT, BUNDLE_VERSION } from '../../src-shared/bundle/bundle-format.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { RunDetail } from '../lineage/types.js';
import { sha256 } from '../util/files.js';
import { BundleError } from './bundle-error.js';
import { modelCards } from './model-cards.js';
import { recordResponses, type OwnCall } from './record-responses.js';
import { fileReferences } from './review-flags.js';
import { buildRunSummary } from './run-summary.js';
import { checkTarget, jsonEntry, writeBundle, type WrittenBundle } from './write-bundle.js';
import type { ZipEntry } from './zip-writer.js';

export interface ExportDeps {
  readonly lineage: LineageStore;
  readonly catalogue: Catalogue;
  readonly appVersion: string;
  readonly call: OwnCall;
  readonly now?: () => Date;
}

export interface ExportRequest {
  /** The pipeline file. */
  readonly path: string;
  readonly out: string;
  readonly withModels?: boolean;
  /** false: no sample rows at all. */
  readonly samples?: boolean;
  /** Nodes whose table rows stay out of the bundle. */
  readonly noSamples?: readonly string[];
  /** false: refuse when `out` exists. Default: replace it. */
  readonly overwrite?: boolean;
}

export interface ExportResult extends WrittenBundle {
  readonly warnings: string[];
}

const MAX_PIPELINE_BYTES = 20 * 1024 * 1024;

/**
 * Writes a review bundle of the pipeline at `path` and its newest finished run in the lineage
 * store. The data the pipeline reads is never included: at most SAMPLE_ROWS rows per table port.
 */
export async function exportBundle(deps: ExportDeps, req: ExportRequest): Promise<ExportResult> {
  const out = await checkTarget(req.out, req.overwrite !== false);
  const document = await readPipeline(resolve(req.path));
  const known = new Set(document.nodes.map((n) => n.id));
  const unknown = (req.noSamples ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new BundleError('bad-request', `no-samples: no node "${unknown[0]}" in ${document.name} (${req.path})`);
  const noSamples = new Set(req.noSamples ?? []);
  const samplesFor = (nodeId: string): boolean => req.samples !== false && !noSamples.has(nodeId);

  const warnings: string[] = [];
  const run = lastRun(deps.lineage, document.id);
  if (!run) warnings.push(`pipeline "${document.name}" (${document.id}) has never run here: the bundle holds the pipeline only, no results`);
  else if (run.documentHash !== sha256(toCanonicalJson(document))) {
    warnings.push(`the pipeline was changed after its last run (${run.runId}): the results are those of the pipeline as it ran`);
  }
  for (const r of fileReferences(document, deps.catalogue)) {
    warnings.push(`node "${r.nodeId}" reads ${r.path}: the file is not in the bundle, reviewers see only the recorded results`);
  }

  const recorded = await recordResponses({ call: deps.call, document, run, samplesFor });
  warnings.push(...recorded.warnings);
  const entries: ZipEntry[] = [
    { path: BUNDLE_ENTRY.pipeline, data: Buffer.from(toCanonicalJson(document), 'utf8') },
    { path: BUNDLE_ENTRY.responses, data: jsonEntry(recorded.responses) },
  ];
  if (run) {
    entries.push({ path: BUNDLE_ENTRY.summary, data: jsonEntry(buildRunSummary(document, run, (node, port) => recorded.sampled.has(`${node}/${port}`))) });
    for (const m of await modelCards(deps.lineage, run, req.withModels === true, warnings)) {
      entries.push({ path: m.entry, data: jsonEntry(m.card) });
      if (m.onnx && m.card.onnxEntry) entries.push({ path: m.card.onnxEntry, data: m.onnx });
    }
  }

  const written = await writeBundle(
    out,
    {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      appVersion: deps.appVersion,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
      pipeline: { id: document.id, name: document.name },
      run: run ? { id: run.runId, status: run.status } : null,
      withModels: req.withModels === true,
    },
    entries,
  );
  return { ...written, warnings };
}

async function readPipeline(path: string): Promise<PipelineDocument> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new BundleError('not-found', `${path}: no such pipeline file`);
  if (info.size > MAX_PIPELINE_BYTES) throw new BundleError('bad-document', `${path} is ${info.size} bytes; a pipeline file is at most ${MAX_PIPELINE_BYTES}`);
  const text = await readFile(path, 'utf8');
  const loaded = parsePipelineText(text);
  if (!loaded.ok) throw new BundleError('bad-document', `${path} ${loaded.reason}`);
  return loaded.document;
}

/** The newest run of the pipeline that is over; a run still going has no results to review yet. */
function lastRun(lineage: LineageStore, pipelineId: string): RunDetail | null {
  const finished = lineage.listRuns({ pipelineId, limit: 50 }).find((r) => r.status !== 'running');
  return finished ? (lineage.getRun(finished.runId) ?? null) : null;
}
