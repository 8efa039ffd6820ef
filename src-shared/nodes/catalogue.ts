import type { NodeSpec } from './spec.js';

/** Resolves (type, version) to a spec. Built once from the list in nodes/index.ts. */
export interface Catalogue {
  readonly specs: readonly NodeSpec[];
  get(type: string, version: number): NodeSpec | undefined;
  latest(type: string): NodeSpec | undefined;
  /** The versions known for a type, to explain why a pinned one is missing. */
  versions(type: string): number[];
}

export function createCatalogue(specs: readonly NodeSpec[]): Catalogue {
  const byKey = new Map<string, NodeSpec>();
  const latest = new Map<string, NodeSpec>();
  for (const spec of specs) {
    const key = `${spec.type}@${spec.version}`;
    if (byKey.has(key)) throw new Error(`Two node specs claim ${key}`);
    byKey.set(key, spec);
    const cur = latest.get(spec.type);
    if (!cur || cur.version < spec.version) latest.set(spec.type, spec);
  }
  return {
    specs,
    get: (type, version) => byKey.get(`${type}@${version}`),
    latest: (type) => latest.get(type),
    versions: (type) =>
      specs
        .filter((s) => s.type === type)
        .map((s) => s.version)
        .sort((a, b) => a - b),
  };
}
