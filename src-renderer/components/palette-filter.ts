import { NODE_CATEGORIES, type NodeCategory, type NodeSpec } from '../../src-shared/nodes/spec.js';

export interface PaletteGroup {
  readonly category: NodeCategory;
  readonly specs: readonly NodeSpec[];
}

/**
 * The palette's groups for a search: every word typed must appear in the node's title, type,
 * one-line summary or category (in any order, case ignored), so "csv", "split train" and
 * "encode one-hot" each find their node. Categories keep the catalogue's order; empty ones go.
 */
export function paletteGroups(specs: readonly NodeSpec[], query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const matches = (spec: NodeSpec): boolean => {
    if (words.length === 0) return true;
    const text = `${spec.title} ${spec.type} ${spec.summary} ${spec.category}`.toLowerCase();
    return words.every((w) => text.includes(w));
  };
  return NODE_CATEGORIES.map((category) => ({ category, specs: specs.filter((s) => s.category === category && matches(s)) })).filter(
    (g) => g.specs.length > 0,
  );
}
