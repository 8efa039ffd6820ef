import type { LoadedBundle } from './open-bundle.js';

/**
 * The bundles opened lately, by sha256, so "save with comments" can write a new bundle from the
 * verified entries without reading (and trusting) the file again. A few only: each holds its
 * entries, models included, in memory.
 */
export class OpenedBundles {
  private readonly byHash = new Map<string, LoadedBundle>();
  /** Where bundles dropped from memory came from, so they can be read (and verified) again. */
  private readonly paths = new Map<string, string>();

  constructor(private readonly capacity = 4) {}

  put(bundle: LoadedBundle): void {
    const key = bundle.opened.sha256;
    this.byHash.delete(key);
    this.byHash.set(key, bundle);
    if (bundle.sourcePath !== null) {
      this.paths.delete(key);
      this.paths.set(key, bundle.sourcePath);
      if (this.paths.size > 100) this.paths.delete(this.paths.keys().next().value!);
    }
    while (this.byHash.size > this.capacity) this.byHash.delete(this.byHash.keys().next().value!);
  }

  /** The file a bundle was opened from, even after its entries left memory. */
  pathOf(sha256: string): string | undefined {
    return this.paths.get(sha256);
  }

  get(sha256: string): LoadedBundle | undefined {
    const found = this.byHash.get(sha256);
    if (found) {
      // Most recently used last: the first key is the one to drop.
      this.byHash.delete(sha256);
      this.byHash.set(sha256, found);
    }
    return found;
  }
}
