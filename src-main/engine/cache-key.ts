import { createHash } from 'node:crypto';
import { sortKeys } from '../../src-shared/pipeline/canonical.js';
import type { CacheKeyParts } from '../lineage/types.js';

/**
 * A node's cache key: the hash of its type, type version, canonical params, the cache keys of
 * the upstream outputs it reads (Merkle style, so every key is known before anything runs) and,
 * for source nodes, the content hash of each file it reads.
 */
export function cacheKeyOf(parts: CacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify(sortKeys(parts))).digest('hex');
}

/** Why a node's key differs from the one it had at its last successful run, in words. */
export function explainKeyChange(now: CacheKeyParts, before: CacheKeyParts | undefined): string[] {
  if (!before) return ['never ran'];
  const reasons: string[] = [];
  if (now.type !== before.type || now.typeVersion !== before.typeVersion) {
    reasons.push(`node type changed (${before.type}@${before.typeVersion} -> ${now.type}@${now.typeVersion})`);
  }
  const changedParams = changedKeys(now.params, before.params);
  if (changedParams.length > 0) reasons.push(`params changed: ${changedParams.join(', ')}`);
  const changedInputs = changedKeys(now.inputs, before.inputs);
  if (changedInputs.length > 0) reasons.push(`input changed: ${changedInputs.join(', ')}`);
  const changedFiles = changedKeys(now.files, before.files);
  if (changedFiles.length > 0) reasons.push(`file changed: ${changedFiles.join(', ')}`);
  return reasons;
}

function changedKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(sortKeys(a[k])) !== JSON.stringify(sortKeys(b[k]))).sort();
}
