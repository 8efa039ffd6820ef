import { BUNDLE_ENTRY, BUNDLE_FORMAT, BUNDLE_VERSION, BundleManifest, isAllowedEntryPath } from '../../src-shared/bundle/bundle-format.js';
import { sha256 } from '../util/files.js';
import { BundleError } from './bundle-error.js';
import type { BundleLimits } from './bundle-limits.js';
import { readZipSafely } from './zip-reader.js';

/** A bundle whose every entry is listed in its manifest with a matching hash, and nothing else. */
export interface VerifiedBundle {
  /** sha256 of the bundle file. */
  readonly sha256: string;
  readonly manifest: BundleManifest;
  /** Every entry but the manifest, as stored (already checked against the manifest). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the entry's text as JSON; a broken one is refused naming the entry. */
export function entryJson(files: ReadonlyMap<string, Uint8Array>, path: string, label: string): unknown {
  const raw = files.get(path);
  if (!raw) throw new BundleError('missing-entry', `${label}: entry "${path}" is missing`);
  try {
    return JSON.parse(utf8.decode(raw)) as unknown;
  } catch (e) {
    throw new BundleError('bad-entry', `${label}: entry "${path}" is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function verifyBundle(bytes: Uint8Array, label: string, limits: BundleLimits): VerifiedBundle {
  const entries = readZipSafely(bytes, label, limits);
  if (!entries.has(BUNDLE_ENTRY.manifest)) throw new BundleError('not-a-bundle', `${label} is not a Plumb review bundle (it has no ${BUNDLE_ENTRY.manifest})`);
  const manifest = parseManifest(entryJson(entries, BUNDLE_ENTRY.manifest, label), label);

  const listed = new Set<string>();
  for (const e of manifest.entries) {
    if (e.path === BUNDLE_ENTRY.manifest || !isAllowedEntryPath(e.path)) {
      throw new BundleError('unsafe-entry', `${label}: the manifest lists "${e.path}", which is not an entry a Plumb review bundle holds`);
    }
    if (listed.has(e.path)) throw new BundleError('bad-entry', `${label}: the manifest lists "${e.path}" twice`);
    listed.add(e.path);
    const data = entries.get(e.path);
    if (!data) throw new BundleError('missing-entry', `${label}: entry "${e.path}" is in the manifest but not in the bundle`);
    if (data.length !== e.bytes || sha256(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) !== e.sha256) {
      throw new BundleError('tampered', `${label}: entry "${e.path}" does not match the hash in its manifest: the bundle was changed after it was written`);
    }
  }
  for (const path of entries.keys()) {
    if (path !== BUNDLE_ENTRY.manifest && !listed.has(path)) {
      throw new BundleError('unlisted-entry', `${label}: entry "${path}" is not listed in the manifest: the bundle was changed after it was written`);
    }
  }
  if (!listed.has(BUNDLE_ENTRY.pipeline)) throw new BundleError('missing-entry', `${label}: the bundle has no ${BUNDLE_ENTRY.pipeline}`);

  const files = new Map(entries);
  files.delete(BUNDLE_ENTRY.manifest);
  return { sha256: sha256(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), manifest, files };
}

/** Format and version first, so a newer bundle is refused for what it is, not for a field this build does not know. */
function parseManifest(json: unknown, label: string): BundleManifest {
  const head = (json !== null && typeof json === 'object' ? json : {}) as { format?: unknown; version?: unknown };
  if (head.format !== BUNDLE_FORMAT) throw new BundleError('not-a-bundle', `${label} is not a Plumb review bundle (its manifest format is not "${BUNDLE_FORMAT}")`);
  if (typeof head.version === 'number' && head.version > BUNDLE_VERSION) {
    throw new BundleError(
      'newer-format',
      `${label} was made by a newer Plumb (bundle format ${head.version}); this Plumb reads format ${BUNDLE_VERSION}: update Plumb to open it`,
    );
  }
  const parsed = BundleManifest.safeParse(json);
  if (!parsed.success) throw new BundleError('bad-entry', `${label}: ${BUNDLE_ENTRY.manifest}: ${issue(parsed.error.issues)}`);
  return parsed.data;
}

/** The first zod issue as `field: message`. */
export function issue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const field = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  return `${field || '(root)'}: ${first.message}`;
}
