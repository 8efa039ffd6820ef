/**
 * Ceilings for reading an untrusted bundle. None of them trusts what the zip declares: sizes are
 * counted while inflating, so a bomb is stopped after at most one chunk past the limit.
 */
export interface BundleLimits {
  /** The bundle file itself (compressed). */
  readonly maxFileBytes: number;
  readonly maxEntries: number;
  /** Inflated size of one JSON entry (manifest, pipeline, summary, responses, cards, comments). */
  readonly maxJsonEntryBytes: number;
  /** Inflated size of one ONNX model. */
  readonly maxOnnxEntryBytes: number;
  /** Inflated size of everything together. */
  readonly maxTotalBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxFileBytes: 1024 * MiB,
  maxEntries: 1000,
  maxJsonEntryBytes: 64 * MiB,
  maxOnnxEntryBytes: 512 * MiB,
  maxTotalBytes: 1536 * MiB,
};

export function entryLimit(limits: BundleLimits, path: string): number {
  return path.endsWith('.onnx') ? limits.maxOnnxEntryBytes : limits.maxJsonEntryBytes;
}
