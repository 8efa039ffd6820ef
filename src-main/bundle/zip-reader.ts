import { Inflate } from 'fflate';
import { isAllowedEntryPath } from '../../src-shared/bundle/bundle-format.js';
import { BundleError } from './bundle-error.js';
import { entryLimit, type BundleLimits } from './bundle-limits.js';

/**
 * A zip reader for files from anyone. It reads the central directory itself (fflate's readers
 * trust declared sizes), checks every name before inflating anything, and inflates each entry in
 * small chunks with a running byte count, so neither a zip-slip name nor a bomb gets further
 * than the check that refuses it. Only stored and deflated entries are read; no zip64, no
 * encryption, no duplicates: a Plumb bundle never needs them.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const MAX_COMMENT = 0xffff;
/** Deflate expands at most ~1032:1, so one 16 KiB push yields at most ~16 MiB past a limit. */
const INFLATE_CHUNK = 16 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why an entry name could write outside where it is extracted, or is not a bundle entry; null when fine. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return 'it contains control characters';
  if (name.includes('\\')) return 'it contains a backslash';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  if (name.split('/').some((s) => s === '..' || s === '.' || s === '')) return 'it climbs out of the bundle (".." or an empty segment)';
  if (!isAllowedEntryPath(name)) return 'it is not an entry a Plumb review bundle holds';
  return null;
}

/** The entries of a zip, inflated, by name. `label` names the file in every message. */
export function readZipSafely(bytes: Uint8Array, label: string, limits: BundleLimits): Map<string, Uint8Array> {
  if (bytes.length > limits.maxFileBytes) {
    throw new BundleError('too-large', `${label} is ${bytes.length} bytes; a review bundle is at most ${limits.maxFileBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (what: string): BundleError => new BundleError('not-a-bundle', `${label} is not a Plumb review bundle: ${what}`);

  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) throw damaged('not a zip file (or a truncated one)');
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0 || count !== view.getUint16(eocd + 8, true)) {
    throw damaged('a multi-part zip');
  }
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw damaged('a zip64 archive');
  if (count > limits.maxEntries) throw new BundleError('too-large', `${label} holds ${count} entries; a review bundle holds at most ${limits.maxEntries}`);
  if (cdOffset + cdSize > eocd) throw damaged('its directory is damaged or the file is truncated');

  const out = new Map<string, Uint8Array>();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw damaged('its directory is damaged');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > cdOffset + cdSize) throw damaged('its directory is damaged');
    const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLength), label);
    at += 46 + nameLength + skip;

    const unsafe = unsafeEntryName(name);
    if (unsafe) throw new BundleError('unsafe-entry', `${label}: entry "${name}" is refused: ${unsafe}`);
    if (out.has(name)) throw new BundleError('unsafe-entry', `${label}: entry "${name}" appears twice`);
    if (flags & 1) throw new BundleError('unsafe-entry', `${label}: entry "${name}" is encrypted`);
    if (method !== 0 && method !== 8) throw new BundleError('unsafe-entry', `${label}: entry "${name}" uses compression method ${method}; bundles use deflate`);

    if (local + 30 > cdOffset || view.getUint32(local, true) !== LOCAL_SIGNATURE) throw damaged(`entry "${name}" is damaged`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > cdOffset) throw damaged(`entry "${name}" is damaged or the file is truncated`);
    const limit = Math.min(entryLimit(limits, name), limits.maxTotalBytes - total);
    const data = bytes.subarray(start, start + compressed);
    let inflated: Uint8Array | null;
    try {
      inflated = method === 0 ? checkedCopy(data, limit) : inflateCounted(data, limit);
    } catch (e) {
      throw damaged(`entry "${name}" holds damaged compressed data (${e instanceof Error ? e.message : String(e)})`);
    }
    if (inflated === null) {
      const what = total + limit >= limits.maxTotalBytes ? `the bundle expands beyond ${limits.maxTotalBytes} bytes` : `it expands beyond ${limit} bytes`;
      throw new BundleError('too-large', `${label}: entry "${name}" is refused: ${what} (a zip bomb, or not a Plumb bundle)`);
    }
    total += inflated.length;
    out.set(name, inflated);
  }
  return out;
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_BYTES;
  for (let i = last; i >= 0 && i >= last - MAX_COMMENT; i--) {
    // The comment must run exactly to the end of the file, which rules out a signature inside data.
    if (view.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_BYTES + view.getUint16(i + 20, true) === view.byteLength) return i;
  }
  return -1;
}

function decodeName(raw: Uint8Array, label: string): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new BundleError('unsafe-entry', `${label}: an entry name is not valid UTF-8`);
  }
}

function checkedCopy(data: Uint8Array, limit: number): Uint8Array | null {
  return data.length > limit ? null : data.slice();
}

/** Inflates with a running count; null as soon as the output passes `limit`. */
function inflateCounted(data: Uint8Array, limit: number): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    if (size > limit) over = true;
    else chunks.push(chunk);
  });
  for (let at = 0; at < data.length && !over; at += INFLATE_CHUNK) {
    const end = Math.min(at + INFLATE_CHUNK, data.length);
    inflater.push(data.subarray(at, end), end === data.length);
  }
  if (over) return null;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
