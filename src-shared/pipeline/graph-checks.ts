import type { Catalogue } from '../nodes/catalogue.js';
import { validateParams } from '../nodes/params.js';
import type { NodeSpec, PortSchema, SchemaMap } from '../nodes/spec.js';
import { withDefaults } from '../nodes/spec.js';
import type { Problem } from '../problems.js';
import type { PipelineDocument, PipelineNode } from './document.js';

export interface GraphCheckResult {
  readonly problems: Problem[];
  /** Node ids in an order where every node comes after its inputs (cyclic nodes left out). */
  readonly order: string[];
  /** What each node's outputs are known to be before running, by node id then port. */
  readonly schemas: ReadonlyMap<string, SchemaMap>;
}

/**
 * Everything that can be known wrong about a pipeline without running it, reported per node:
 * duplicate ids, unknown node types or versions, bad params, dangling edges, unknown ports, port
 * type mismatches, inputs wired twice, missing required inputs, cycles, and bad column
 * references found by each spec's inferSchema; and, as warnings, fitted steps upstream of a
 * split (leakage risks).
 */
export function checkGraph(doc: PipelineDocument, catalogue: Catalogue): GraphCheckResult {
  const problems: Problem[] = [];
  const nodes = new Map<string, PipelineNode>();
  const specs = new Map<string, NodeSpec>();

  for (const node of doc.nodes) {
    if (nodes.has(node.id)) {
      problems.push(err('duplicate-node-id', `two nodes have the id "${node.id}"`, { nodeId: node.id }));
      continue;
    }
    nodes.set(node.id, node);
    const spec = catalogue.get(node.type, node.typeVersion);
    if (!spec) {
      const versions = catalogue.versions(node.type);
      problems.push(
        versions.length === 0
          ? err('unknown-node-type', `unknown node type "${node.type}"`, { nodeId: node.id })
          : err(
              'unknown-node-version',
              `"${node.type}" has no version ${node.typeVersion} (known: ${versions.join(', ')})`,
              { nodeId: node.id },
            ),
      );
      continue;
    }
    specs.set(node.id, spec);
    for (const p of validateParams(spec, node.params)) {
      problems.push(err('bad-param', p.message, { nodeId: node.id, field: p.param }));
    }
  }

  const edgeIds = new Set<string>();
  const wiredInputs = new Map<string, string>();
  const upstream = new Map<string, Set<string>>();
  for (const id of nodes.keys()) upstream.set(id, new Set());
  const validEdges: PipelineDocument['edges'] = [];

  for (const edge of doc.edges) {
    const at = { edgeId: edge.id, nodeId: edge.to.node };
    if (edgeIds.has(edge.id)) problems.push(err('duplicate-edge-id', `two edges have the id "${edge.id}"`, at));
    edgeIds.add(edge.id);
    const fromNode = nodes.get(edge.from.node);
    const toNode = nodes.get(edge.to.node);
    if (!fromNode || !toNode) {
      const missing = [!fromNode && edge.from.node, !toNode && edge.to.node].filter(Boolean).join('" and "');
      problems.push(
        err('dangling-edge', `edge ${edge.id} connects to a node that does not exist: "${missing}"`, {
          edgeId: edge.id,
          nodeId: fromNode ? fromNode.id : toNode?.id,
        }),
      );
      continue;
    }
    const fromSpec = specs.get(fromNode.id);
    const toSpec = specs.get(toNode.id);
    const outPort = fromSpec?.outputs.find((p) => p.name === edge.from.port);
    const inPort = toSpec?.inputs.find((p) => p.name === edge.to.port);
    if (fromSpec && !outPort) {
      problems.push(
        err('unknown-port', `${fromSpec.title} has no output "${edge.from.port}" (edge ${edge.id})`, {
          nodeId: fromNode.id,
          edgeId: edge.id,
        }),
      );
    }
    if (toSpec && !inPort) {
      problems.push(
        err('unknown-port', `${toSpec.title} has no input "${edge.to.port}" (edge ${edge.id})`, {
          nodeId: toNode.id,
          edgeId: edge.id,
        }),
      );
    }
    if (outPort && inPort && outPort.type !== inPort.type) {
      problems.push(
        err(
          'port-type-mismatch',
          `cannot connect ${fromNode.id}.${outPort.name} (${outPort.type}) to ${toNode.id}.${inPort.name} (${inPort.type})`,
          at,
        ),
      );
    }
    const inputKey = `${toNode.id}\u0000${edge.to.port}`;
    const already = wiredInputs.get(inputKey);
    if (already) {
      problems.push(
        err('input-wired-twice', `input "${edge.to.port}" is connected twice (edges ${already} and ${edge.id})`, at),
      );
    } else {
      wiredInputs.set(inputKey, edge.id);
    }
    upstream.get(toNode.id)!.add(fromNode.id);
    validEdges.push(edge);
  }

  for (const [id, spec] of specs) {
    for (const port of spec.inputs) {
      if (!port.optional && !wiredInputs.has(`${id}\u0000${port.name}`)) {
        problems.push(err('missing-input', `input "${port.name}" is not connected`, { nodeId: id, field: port.name }));
      }
    }
  }

  const { order, cycles } = topoSort(upstream);
  for (const [id, loop] of cycles) {
    problems.push(err('cycle', `is part of a cycle (${nameLoop(loop)}); a pipeline must flow one way`, { nodeId: id }));
  }

  const schemas = inferSchemas(order, nodes, specs, validEdges, problems);
  problems.push(...leakageRisks(nodes, specs, upstream));
  return { problems, order, schemas };
}

/**
 * DESIGN.md section 6: a fitted step (a spec with `fits`) upstream of a split learned from rows
 * that include the split's test rows. One warning per such node, naming the first split (in
 * document order) it feeds; the fix is to move the step after the split, on its train output.
 */
function leakageRisks(
  nodes: ReadonlyMap<string, PipelineNode>,
  specs: ReadonlyMap<string, NodeSpec>,
  upstream: ReadonlyMap<string, ReadonlySet<string>>,
): Problem[] {
  const fitted = [...specs].filter(([, spec]) => spec.fits === true).map(([id]) => id);
  if (fitted.length === 0) return [];
  const splitOf = new Map<string, string>();
  for (const split of nodes.values()) {
    if (!split.type.startsWith('split.')) continue;
    // Everything upstream of the split (a walk, so a cycle cannot loop it).
    const seen = new Set<string>([split.id]);
    const stack = [split.id];
    while (stack.length > 0) {
      for (const u of upstream.get(stack.pop()!) ?? []) {
        if (seen.has(u)) continue;
        seen.add(u);
        stack.push(u);
        if (specs.get(u)?.fits === true && !splitOf.has(u)) splitOf.set(u, split.id);
      }
    }
  }
  return fitted.flatMap((id) => {
    const split = splitOf.get(id);
    if (split === undefined) return [];
    return [
      {
        severity: 'warning' as const,
        code: 'leakage-risk',
        message: `is fitted on rows that include the test rows of split ${split}: move it after the split (on its train output)`,
        nodeId: id,
      },
    ];
  });
}

function inferSchemas(
  order: readonly string[],
  nodes: ReadonlyMap<string, PipelineNode>,
  specs: ReadonlyMap<string, NodeSpec>,
  edges: PipelineDocument['edges'],
  problems: Problem[],
): Map<string, SchemaMap> {
  const schemas = new Map<string, SchemaMap>();
  const inbound = new Map<string, PipelineDocument['edges'][number][]>();
  for (const e of edges) {
    const list = inbound.get(e.to.node);
    if (list) list.push(e);
    else inbound.set(e.to.node, [e]);
  }
  for (const id of order) {
    const spec = specs.get(id);
    const node = nodes.get(id)!;
    if (!spec) continue;
    const inputs: Record<string, PortSchema | undefined> = {};
    for (const e of inbound.get(id) ?? []) inputs[e.to.port] = schemas.get(e.from.node)?.[e.from.port];
    if (!spec.inferSchema) {
      schemas.set(id, {});
      continue;
    }
    try {
      const result = spec.inferSchema(inputs, withDefaults(spec, node.params));
      schemas.set(id, result.outputs);
      for (const p of result.problems ?? []) {
        problems.push(err('bad-reference', p.message, { nodeId: id, field: p.param }));
      }
    } catch (e) {
      // A spec bug must not stop the rest of the graph from being checked.
      problems.push(err('infer-failed', `could not infer its schema: ${(e as Error).message}`, { nodeId: id }));
      schemas.set(id, {});
    }
  }
  return schemas;
}

/**
 * Kahn's algorithm, stable in document order. Nodes left over sit on a cycle or behind one; only
 * those on a cycle (in a strongly connected group of several nodes, or looping to themselves) are
 * returned in `cycles`, each with the nodes of its own loop. Linear in nodes + edges: a file may
 * hold 10,000 nodes.
 */
function topoSort(upstream: ReadonlyMap<string, ReadonlySet<string>>): {
  order: string[];
  cycles: Map<string, readonly string[]>;
} {
  const remaining = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const id of upstream.keys()) downstream.set(id, []);
  for (const [id, ups] of upstream) {
    remaining.set(id, ups.size);
    for (const u of ups) downstream.get(u)!.push(id);
  }
  const order = [...upstream.keys()].filter((id) => remaining.get(id) === 0);
  for (let head = 0; head < order.length; head++) {
    for (const d of downstream.get(order[head])!) {
      const left = remaining.get(d)! - 1;
      remaining.set(d, left);
      if (left === 0) order.push(d);
    }
  }
  const placed = new Set(order);
  const leftover = [...upstream.keys()].filter((id) => !placed.has(id));
  return { order, cycles: loops(leftover, downstream) };
}

/**
 * Tarjan's strongly connected components over `ids` (iterative, so a long cycle cannot overflow
 * the stack). Maps each node that is on a cycle to the nodes of its component, in `ids` order.
 */
function loops(ids: readonly string[], downstream: ReadonlyMap<string, readonly string[]>): Map<string, readonly string[]> {
  const within = new Set(ids);
  const rank = new Map(ids.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out = new Map<string, readonly string[]>();
  let counter = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    visit(root);
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const succ = downstream.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++];
        if (!within.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== frame.id);
      if (group.length > 1 || succ.includes(frame.id)) {
        group.sort((a, b) => rank.get(a)! - rank.get(b)!);
        for (const g of group) out.set(g, group);
      }
    }
  }
  // In document order, like every other problem.
  return new Map([...out].sort((a, b) => rank.get(a[0])! - rank.get(b[0])!));
}

/** The nodes of one loop for a message: all of them when few, else the first ones and a count. */
function nameLoop(loop: readonly string[]): string {
  const shown = 8;
  return loop.length <= shown ? loop.join(' -> ') : `${loop.slice(0, shown).join(' -> ')} -> ... (${loop.length} nodes)`;
}

function err(code: string, message: string, where: Omit<Problem, 'severity' | 'code' | 'message'>): Problem {
  return { severity: 'error', code, message, ...where };
}
