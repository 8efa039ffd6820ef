import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BUNDLE_ENTRY, BUNDLE_EXTENSION, type BundleManifest } from '../../src-shared/bundle/bundle-format.js';
import { sha256, writeFileAtomic } from '../util/files.js';
import { BundleError } from './bundle-error.js';
import { writeZip, type ZipEntry } from './zip-writer.js';

export type ManifestHead = Omit<BundleManifest, 'entries'>;

export interface WrittenBundle {
  readonly out: string;
  readonly bytes: number;
  /** Entries in the zip, the manifest included. */
  readonly entries: number;
  readonly sha256: string;
  readonly manifest: BundleManifest;
}

const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
export const jsonEntry = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value) + '\n', 'utf8');

/** Checks the target before any work is done: a bundle file name, and no silent overwrite. */
export async function checkTarget(out: string, overwrite: boolean): Promise<string> {
  const abs = resolve(out);
  if (!abs.endsWith(BUNDLE_EXTENSION)) throw new BundleError('bad-path', `${abs}: review bundles end in ${BUNDLE_EXTENSION}`);
  const existing = await stat(abs).catch(() => null);
  if (existing?.isDirectory()) throw new BundleError('bad-path', `${abs} is a folder`);
  if (existing && !overwrite) throw new BundleError('exists', `${abs} already exists`);
  return abs;
}

/**
 * Zips the entries behind a manifest listing each with its sha256 and size, in path order, and
 * writes the file atomically. Same entries and manifest head, same bytes.
 */
export async function writeBundle(out: string, head: ManifestHead, entries: readonly ZipEntry[]): Promise<WrittenBundle> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: BundleManifest = {
    ...head,
    entries: sorted.map((e) => ({ path: e.path, sha256: sha256(toBuffer(e.data)), bytes: e.data.length })),
  };
  const zip = writeZip([{ path: BUNDLE_ENTRY.manifest, data: jsonEntry(manifest) }, ...sorted]);
  try {
    await writeFileAtomic(out, toBuffer(zip));
  } catch (e) {
    throw new BundleError('bad-path', `${out}: cannot write the bundle (${e instanceof Error ? e.message : String(e)})`);
  }
  return { out, bytes: zip.length, entries: sorted.length + 1, sha256: sha256(toBuffer(zip)), manifest };
}
