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
 * references found by each spec's inferSchema.
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

  const { order, cyclic } = topoSort(upstream);
  if (cyclic.length > 0) {
    for (const id of cyclic) {
      problems.push(
        err('cycle', `is part of a cycle (${cyclic.join(' -> ')}); a pipeline must flow one way`, { nodeId: id }),
      );
    }
  }

  const schemas = inferSchemas(order, nodes, specs, validEdges, problems);
  return { problems, order, schemas };
}

function inferSchemas(
  order: readonly string[],
  nodes: ReadonlyMap<string, PipelineNode>,
  specs: ReadonlyMap<string, NodeSpec>,
  edges: PipelineDocument['edges'],
  problems: Problem[],
): Map<string, SchemaMap> {
  const schemas = new Map<string, SchemaMap>();
  for (const id of order) {
    const spec = specs.get(id);
    const node = nodes.get(id)!;
    if (!spec) continue;
    const inputs: Record<string, PortSchema | undefined> = {};
    for (const e of edges) {
      if (e.to.node === id) inputs[e.to.port] = schemas.get(e.from.node)?.[e.from.port];
    }
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

/** Kahn's algorithm; nodes left over sit on (or behind) a cycle. Stable in document order. */
function topoSort(upstream: ReadonlyMap<string, ReadonlySet<string>>): { order: string[]; cyclic: string[] } {
  const remaining = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const [id, ups] of upstream) {
    remaining.set(id, ups.size);
    for (const u of ups) downstream.set(u, [...(downstream.get(u) ?? []), id]);
  }
  const ready = [...upstream.keys()].filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const d of downstream.get(id) ?? []) {
      const left = remaining.get(d)! - 1;
      remaining.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  const leftover = new Set([...upstream.keys()].filter((id) => !order.includes(id)));
  // Report only the nodes on a cycle, not the ones merely downstream of it.
  const cyclic = [...leftover].filter((id) => reaches(id, id, downstream, leftover));
  return { order, cyclic };
}

function reaches(
  from: string,
  target: string,
  downstream: ReadonlyMap<string, readonly string[]>,
  within: ReadonlySet<string>,
): boolean {
  const seen = new Set<string>();
  const stack = [...(downstream.get(from) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id) || !within.has(id)) continue;
    seen.add(id);
    stack.push(...(downstream.get(id) ?? []));
  }
  return false;
}

function err(code: string, message: string, where: Omit<Problem, 'severity' | 'code' | 'message'>): Problem {
  return { severity: 'error', code, message, ...where };
}
