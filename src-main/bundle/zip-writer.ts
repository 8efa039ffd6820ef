import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

/**
 * fflate writes an mtime's local date parts; built from local parts when the zip is written (not
 * once at load: TZ may change), every time zone writes the same DOS timestamp, so the same
 * entries always give the same bytes. Noon, so no zone's offset or DST moves it off the day.
 */
const fixedMtime = (): Date => new Date(1980, 0, 1, 12, 0, 0);

/** A zip of `entries`, in the order given, deflated; the same entries give the same bytes. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const mtime = fixedMtime();
  for (const e of entries) {
    if (Object.hasOwn(files, e.path)) throw new Error(`zip entry "${e.path}" given twice`);
    // ONNX initialisers barely compress; level 6 is still the best trade for the JSON entries.
    files[e.path] = [e.data, { level: 6, mtime, os: 0, attrs: 0 }];
  }
  return zipSync(files);
}
