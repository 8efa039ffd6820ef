import { resolve } from 'node:path';
import { BUNDLE_ENTRY, type BundleComment } from '../../src-shared/bundle/bundle-format.js';
import { BundleError } from './bundle-error.js';
import type { LoadedBundle } from './open-bundle.js';
import { checkTarget, jsonEntry, writeBundle, type WrittenBundle } from './write-bundle.js';
import type { ZipEntry } from './zip-writer.js';

export interface SaveCommentsRequest {
  readonly out: string;
  readonly comments: readonly BundleComment[];
  /** Default false: an existing `out` is refused so the user is asked first. */
  readonly overwrite?: boolean;
}

/**
 * A new bundle: the opened one's verified entries with these comments (comments.json replaced,
 * or left out when there are none), its manifest naming the original as `derivedFrom`. The file
 * under review is never the target.
 */
export async function saveWithComments(bundle: LoadedBundle, req: SaveCommentsRequest, appVersion: string, now: Date = new Date()): Promise<WrittenBundle> {
  // Refused even with overwrite: the original is what the comments are about.
  if (bundle.sourcePath !== null && resolve(req.out) === bundle.sourcePath) {
    throw new BundleError('would-overwrite', `${bundle.sourcePath} would overwrite the bundle under review: choose a new name`);
  }
  const out = await checkTarget(req.out, req.overwrite === true);
  const ids = new Set<string>();
  const nodes = new Set(bundle.opened.document.nodes.map((n) => n.id));
  for (const c of req.comments) {
    if (ids.has(c.id)) throw new BundleError('bad-request', `comment "${c.id}" appears twice`);
    ids.add(c.id);
    if (c.nodeId !== null && !nodes.has(c.nodeId)) throw new BundleError('bad-request', `comment "${c.id}" is on node "${c.nodeId}", which is not in the pipeline`);
  }
  const entries: ZipEntry[] = [...bundle.verified.files].filter(([path]) => path !== BUNDLE_ENTRY.comments).map(([path, data]) => ({ path, data }));
  if (req.comments.length > 0) entries.push({ path: BUNDLE_ENTRY.comments, data: jsonEntry(req.comments) });
  const { entries: _listed, ...head } = bundle.verified.manifest;
  return writeBundle(out, { ...head, appVersion, createdAt: now.toISOString(), derivedFrom: bundle.verified.sha256 }, entries);
}
