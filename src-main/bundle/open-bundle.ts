import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { ZodType } from 'zod';
import {
  BUNDLE_ENTRY,
  BundleComments,
  BundleModelCard,
  BundleResponses,
  BundleRunSummary,
  MODEL_ENTRY,
  type BundleManifest,
  type OpenedBundle,
} from '../../src-shared/bundle/bundle-format.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { writeFileAtomic } from '../util/files.js';
import { BundleError } from './bundle-error.js';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './bundle-limits.js';
import { fileReferences, reviewWarnings } from './review-flags.js';
import { entryJson, issue, verifyBundle, type VerifiedBundle } from './verify-bundle.js';

/**
 * Opening a bundle: read, verify (verify-bundle.ts), parse every entry with the format's
 * schemas, and extract the bundled ONNX models into the state folder for the playground.
 * Nothing in the bundle is executed, and nothing is written anywhere but
 * `<home>/reviews/<bundle sha256>/`.
 */

export type BundleSource = { readonly path: string } | { readonly name: string; readonly bytes: Uint8Array };

export interface OpenBundleOptions {
  readonly home: string;
  readonly catalogue: Catalogue;
  readonly limits?: BundleLimits;
}

/** An opened bundle, with what saving it again needs: the verified entries and where it came from. */
export interface LoadedBundle {
  readonly opened: OpenedBundle;
  readonly verified: VerifiedBundle;
  /** The file it was read from; null for bytes dropped on the browser window. */
  readonly sourcePath: string | null;
}

export async function readBundleFile(path: string, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Promise<Uint8Array> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new BundleError('not-found', `${path}: no such file`);
  if (!info.isFile()) throw new BundleError('bad-path', `${path} is not a file`);
  if (info.size > limits.maxFileBytes) throw new BundleError('too-large', `${path} is ${info.size} bytes; a review bundle is at most ${limits.maxFileBytes}`);
  return readFile(path);
}

/** The pipeline of a bundle, verified; nothing is extracted (pipeline diff reads bundles this way). */
export async function loadBundleDocument(
  path: string,
  opts: { readonly limits?: BundleLimits } = {},
): Promise<{ document: PipelineDocument; manifest: BundleManifest }> {
  const abs = resolve(path);
  const limits = opts.limits ?? DEFAULT_BUNDLE_LIMITS;
  const verified = verifyBundle(await readBundleFile(abs, limits), abs, limits);
  return { document: parseDocument(verified, abs), manifest: verified.manifest };
}

export async function openBundle(source: BundleSource, opts: OpenBundleOptions): Promise<LoadedBundle> {
  const limits = opts.limits ?? DEFAULT_BUNDLE_LIMITS;
  const sourcePath = 'path' in source ? resolve(source.path) : null;
  const label = 'path' in source ? resolve(source.path) : source.name;
  const bytes = 'path' in source ? await readBundleFile(label, limits) : source.bytes;
  const verified = verifyBundle(bytes, label, limits);
  const { files, manifest } = verified;

  const document = parseDocument(verified, label);
  const summary = files.has(BUNDLE_ENTRY.summary) ? parseEntry(files, BUNDLE_ENTRY.summary, BundleRunSummary, label) : null;
  const responses = files.has(BUNDLE_ENTRY.responses) ? parseEntry(files, BUNDLE_ENTRY.responses, BundleResponses, label) : [];
  const comments = files.has(BUNDLE_ENTRY.comments) ? parseEntry(files, BUNDLE_ENTRY.comments, BundleComments, label) : [];

  const reviewDir = resolve(opts.home, 'reviews', verified.sha256);
  const models: OpenedBundle['models'] = [];
  for (const path of [...files.keys()].filter((p) => MODEL_ENTRY.test(p) && p.endsWith('.json')).sort()) {
    const card = parseEntry(files, path, BundleModelCard, label);
    let extractedPath: string | null = null;
    if (card.onnxEntry !== null) {
      const onnx = files.get(card.onnxEntry);
      if (!MODEL_ENTRY.test(card.onnxEntry) || !card.onnxEntry.endsWith('.onnx') || !onnx) {
        throw new BundleError('bad-entry', `${label}: entry "${path}": onnxEntry "${card.onnxEntry}" is not a model in the bundle`);
      }
      extractedPath = await extractInside(reviewDir, card.onnxEntry, onnx);
    }
    models.push({ ...card, extractedPath });
  }

  const refs = fileReferences(document, opts.catalogue);
  const opened: OpenedBundle = {
    path: label,
    sha256: verified.sha256,
    manifest,
    document,
    summary,
    responses,
    models,
    comments,
    warnings: reviewWarnings(document, opts.catalogue, refs),
    fileReferences: refs,
  };
  return { opened, verified, sourcePath };
}

function parseDocument(verified: VerifiedBundle, label: string): PipelineDocument {
  const raw = verified.files.get(BUNDLE_ENTRY.pipeline);
  if (!raw) throw new BundleError('missing-entry', `${label}: the bundle has no ${BUNDLE_ENTRY.pipeline}`);
  const loaded = parsePipelineText(Buffer.from(raw).toString('utf8'));
  if (!loaded.ok) throw new BundleError('bad-entry', `${label}: entry "${BUNDLE_ENTRY.pipeline}" ${loaded.reason}`);
  return loaded.document;
}

function parseEntry<T>(files: ReadonlyMap<string, Uint8Array>, path: string, schema: ZodType<T>, label: string): T {
  const parsed = schema.safeParse(entryJson(files, path, label));
  if (!parsed.success) throw new BundleError('bad-entry', `${label}: entry "${path}" is not valid: ${issue(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * Writes a model under the review folder. The entry name passed MODEL_ENTRY already (no folder
 * parts but `models/`); the resolved path is checked again so no name can ever land outside.
 */
async function extractInside(dir: string, entry: string, data: Uint8Array): Promise<string> {
  const target = resolve(dir, basename(entry));
  const rel = relative(dir, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new BundleError('unsafe-entry', `entry "${entry}" would be written outside ${dir}`);
  await mkdir(dir, { recursive: true });
  // Same bundle, same sha256 folder: a file already there with these bytes is left as it is.
  const existing = await readFile(target).catch(() => null);
  if (!existing || !existing.equals(data)) await writeFileAtomic(target, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return target;
}
