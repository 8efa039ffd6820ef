import type { PipelineDocument } from '../../src-shared/pipeline/document.js';

/** Every node `id` depends on, directly or not (not `id` itself). */
export function ancestorsOf(doc: PipelineDocument, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (const e of doc.edges) {
      if (e.to.node === at && !seen.has(e.from.node)) {
        seen.add(e.from.node);
        stack.push(e.from.node);
      }
    }
  }
  seen.delete(id);
  return seen;
}

/** Each node's direct upstream nodes, sorted, for every node of the document. */
export function dependenciesOf(doc: PipelineDocument): Map<string, string[]> {
  const deps = new Map<string, Set<string>>(doc.nodes.map((n) => [n.id, new Set<string>()]));
  for (const e of doc.edges) deps.get(e.to.node)?.add(e.from.node);
  return new Map([...deps].map(([id, s]) => [id, [...s].sort()]));
}
