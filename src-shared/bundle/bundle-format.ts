import { z } from 'zod';
import { PipelineDocument } from '../pipeline/document.js';

/**
 * The review bundle (`*.plumbz`, DESIGN.md section 8): a zip a reviewer opens without the data.
 * Everything in it is plain JSON except the optional ONNX models, and every entry is listed in
 * the manifest with its sha256, so an opened bundle is verified before any of it is used.
 *
 * Entries (paths are fixed by this module; a bundle holding anything else is refused):
 *   manifest.json           BundleManifest (not listed in itself)
 *   pipeline.plumb          the pipeline document, canonical JSON
 *   run/summary.json        BundleRunSummary, or absent when the pipeline never ran
 *   run/responses.json      BundleResponses: the API answers the review mode needs, recorded at export
 *   models/<name>-v<N>.json BundleModelCard
 *   models/<name>-v<N>.onnx the model, only when exported with models
 *   comments.json           BundleComments, absent until a reviewer comments
 */

export const BUNDLE_FORMAT = 'plumb.bundle';
/** The newest bundle format this build reads and writes. */
export const BUNDLE_VERSION = 1;
export const BUNDLE_EXTENSION = '.plumbz';

export const BUNDLE_ENTRY = {
  manifest: 'manifest.json',
  pipeline: 'pipeline.plumb',
  summary: 'run/summary.json',
  responses: 'run/responses.json',
  comments: 'comments.json',
} as const;

/** `models/<name>-v<version>.json|onnx`: the names the registry allows, so never a path. */
export const MODEL_ENTRY = /^models\/[A-Za-z0-9._-]{1,100}-v[0-9]{1,9}\.(json|onnx)$/;

export function isAllowedEntryPath(path: string): boolean {
  return Object.values(BUNDLE_ENTRY).includes(path as never) || MODEL_ENTRY.test(path);
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const BundleManifestEntry = z.object({ path: z.string().min(1).max(300), sha256: Sha256, bytes: z.number().int().min(0) }).strict();

export const BundleManifest = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    /** Checked before the rest of the manifest is parsed, so a newer bundle gets a clear refusal. */
    version: z.number().int().min(1),
    appVersion: z.string().max(100),
    createdAt: z.string().max(40),
    pipeline: z.object({ id: z.string().max(200), name: z.string().max(500) }).strict(),
    run: z.object({ id: z.string().max(100), status: z.string().max(40) }).strict().nullable(),
    withModels: z.boolean(),
    /** Set on a bundle saved from another one (with review comments): the original's sha256. */
    derivedFrom: Sha256.optional(),
    entries: z.array(BundleManifestEntry).max(10_000),
  })
  .strict();
export type BundleManifest = z.infer<typeof BundleManifest>;

const MetricValues = z.record(z.string(), z.number());

/** One node of the exported run: what `plumb open` prints and the canvas shows on each node. */
export const BundleNodeSummary = z
  .object({
    id: z.string(),
    type: z.string(),
    label: z.string().nullable(),
    status: z.string(),
    cached: z.boolean(),
    ms: z.number().nullable(),
    error: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    metrics: MetricValues,
    /** Output ports: kind, artifact hash, rows; `sampled` tells whether its rows are in the bundle. */
    outputs: z.array(
      z.object({ port: z.string(), kind: z.enum(['table', 'model', 'report']), hash: z.string(), rows: z.number().nullable(), sampled: z.boolean() }).strict(),
    ),
  })
  .strict();
export type BundleNodeSummary = z.infer<typeof BundleNodeSummary>;

export const BundleRunSummary = z
  .object({
    runId: z.string(),
    status: z.string(),
    startedAt: z.number(),
    endedAt: z.number().nullable(),
    ms: z.number().nullable(),
    nodes: z.array(BundleNodeSummary),
  })
  .strict();
export type BundleRunSummary = z.infer<typeof BundleRunSummary>;

/**
 * Recorded read-only API answers (`run.node`, `run.output`, `artifact.preview`, `artifact.profile`,
 * `runs.list`, `charts.*`, `lineage.graph`): the review mode answers the same calls from them, so
 * the inspector and the charts panel draw exactly what they drew for the analyst. Each request is
 * stored in canonical JSON (toCanonicalJson) so a lookup is a string comparison.
 */
export const BundleResponse = z.object({ method: z.string().max(100), request: z.string().max(10_000), response: z.unknown() }).strict();
export const BundleResponses = z.array(BundleResponse).max(100_000);
export type BundleResponse = z.infer<typeof BundleResponse>;

/** A model card: the registered version's facts, readable without the model or the data. */
export const BundleModelCard = z
  .object({
    name: z.string(),
    version: z.number().int(),
    stage: z.string(),
    nodeId: z.string().nullable(),
    runId: z.string().nullable(),
    createdAt: z.number(),
    metrics: MetricValues,
    inputSchema: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).nullable(),
    artifactHash: z.string(),
    onnxHash: z.string().nullable(),
    trainingDataHash: z.string().nullable(),
    /** The bundle entry of the ONNX file, when the bundle carries it. */
    onnxEntry: z.string().nullable(),
  })
  .strict();
export type BundleModelCard = z.infer<typeof BundleModelCard>;

export const BundleComment = z
  .object({
    id: z.string().min(1).max(100),
    /** null: a comment on the whole pipeline. */
    nodeId: z.string().max(200).nullable(),
    author: z.string().max(200),
    text: z.string().min(1).max(10_000),
    createdAt: z.string().max(40),
  })
  .strict();
export type BundleComment = z.infer<typeof BundleComment>;
export const BundleComments = z.array(BundleComment).max(10_000);

/** A pipeline node that reads a local file the bundle does not carry (never read in review). */
export const BundleFileReference = z.object({ nodeId: z.string(), param: z.string(), path: z.string(), outside: z.boolean() }).strict();

/** What `bundle.open` returns: a verified bundle, ready for the review mode. */
export const OpenedBundle = z.object({
  path: z.string(),
  /** sha256 of the bundle file itself. */
  sha256: z.string(),
  manifest: BundleManifest,
  document: PipelineDocument,
  summary: BundleRunSummary.nullable(),
  responses: BundleResponses,
  models: z.array(
    BundleModelCard.extend({
      /** Where the bundled ONNX file was extracted in the state folder (for the playground), or null. */
      extractedPath: z.string().nullable(),
    }),
  ),
  comments: BundleComments,
  /** Flags the reviewer should see: local files the pipeline references, unknown node types... */
  warnings: z.array(z.string()),
  fileReferences: z.array(BundleFileReference),
});
export type OpenedBundle = z.infer<typeof OpenedBundle>;
