import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactStore } from './artifact-store.js';

export interface GcResult {
  readonly evicted: number;
  readonly freedBytes: number;
  readonly keptBytes: number;
  readonly pinnedBytes: number;
}

/**
 * Keeps the artifact cache under `maxBytes` by deleting the least recently used artifacts.
 * Artifacts of registered model versions are pinned and never deleted. An evicted artifact's
 * lineage stays; a later run that needs it simply recomputes it (a cache miss).
 */
export async function collectGarbage(store: ArtifactStore, lineage: LineageStore, opts: { maxBytes: number }): Promise<GcResult> {
  const artifacts = lineage.artifactsByLastUse();
  let total = artifacts.reduce((sum, a) => sum + a.bytes, 0);
  const pinnedBytes = artifacts.filter((a) => a.pinned).reduce((sum, a) => sum + a.bytes, 0);
  let evicted = 0;
  let freedBytes = 0;
  for (const a of artifacts) {
    if (total <= opts.maxBytes) break;
    if (a.pinned) continue;
    await store.delete(a);
    lineage.markEvicted(a.hash);
    total -= a.bytes;
    freedBytes += a.bytes;
    evicted++;
  }
  return { evicted, freedBytes, keptBytes: total, pinnedBytes };
}
