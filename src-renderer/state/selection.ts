/** What is selected on the canvas: any mix of nodes, edges and sticky notes. */
export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
  readonly notes: readonly string[];
}

export const EMPTY_SELECTION: Selection = { nodes: [], edges: [], notes: [] };

export function isSelectionEmpty(sel: Selection): boolean {
  return sel.nodes.length === 0 && sel.edges.length === 0 && sel.notes.length === 0;
}

/**
 * The single node or edge the inspector and the run commands act on: set only when the
 * selection is exactly that one element, so "run to here" never guesses among several.
 */
export function primaryOf(sel: Selection): { selectedNodeId: string | null; selectedEdgeId: string | null } {
  const only = sel.nodes.length + sel.edges.length + sel.notes.length === 1;
  return {
    selectedNodeId: only && sel.nodes.length === 1 ? sel.nodes[0]! : null,
    selectedEdgeId: only && sel.edges.length === 1 ? sel.edges[0]! : null,
  };
}

/** One React Flow select change applied to a selection; the same object when nothing changed. */
export function toggled(sel: Selection, kind: keyof Selection, id: string, selected: boolean): Selection {
  const has = sel[kind].includes(id);
  if (has === selected) return sel;
  return { ...sel, [kind]: selected ? [...sel[kind], id] : sel[kind].filter((x) => x !== id) };
}
