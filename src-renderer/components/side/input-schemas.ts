import type { OutputSummary } from '../../../src-shared/api/contract.js';
import type { Catalogue } from '../../../src-shared/nodes/catalogue.js';
import { withDefaults, type ColumnSchema, type PortSchema, type SchemaMap } from '../../../src-shared/nodes/spec.js';
import type { PipelineDocument } from '../../../src-shared/pipeline/document.js';

/** What the inspector knows of a node's input tables: by input port, the columns and where they came from. */
export interface KnownInput {
  readonly columns: readonly ColumnSchema[];
  /** `inferred`: from the specs alone; `last run`: a source (or a node downstream of one) only knows them once it ran. */
  readonly source: 'inferred' | 'last run';
}

export interface InferredSchemas {
  /** Output schemas by node id, then port. */
  readonly outputs: ReadonlyMap<string, SchemaMap>;
  /** Output ports whose columns came from a run record rather than from inferSchema, as `node\0port`. */
  readonly fromRun: ReadonlySet<string>;
}

type RunOutputs = Readonly<Record<string, { readonly outputs?: readonly OutputSummary[] } | undefined>>;

/**
 * KNIME's configure pass, seeded with what runs have shown: each node's inferSchema in topological
 * order, except that an output the spec cannot know before running (a CSV's columns) takes the
 * columns its last run wrote, so the nodes downstream of it get column pickers too.
 */
export function inferWithRuns(doc: PipelineDocument, order: readonly string[], catalogue: Catalogue, runs: RunOutputs): InferredSchemas {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const inbound = new Map<string, PipelineDocument['edges'][number][]>();
  for (const e of doc.edges) inbound.set(e.to.node, [...(inbound.get(e.to.node) ?? []), e]);
  const outputs = new Map<string, SchemaMap>();
  const fromRun = new Set<string>();
  for (const id of order) {
    const node = byId.get(id);
    const spec = node && catalogue.get(node.type, node.typeVersion);
    if (!node || !spec) continue;
    const inputs: Record<string, PortSchema | undefined> = {};
    for (const e of inbound.get(id) ?? []) inputs[e.to.port] = outputs.get(e.from.node)?.[e.from.port];
    let inferred: SchemaMap = {};
    try {
      inferred = spec.inferSchema?.(inputs, withDefaults(spec, node.params)).outputs ?? {};
    } catch {
      // The graph check reports a failing inferSchema on the node; here it only means "not known".
    }
    const merged: Record<string, PortSchema | undefined> = { ...inferred };
    for (const port of spec.outputs) {
      if (port.type !== 'table' || merged[port.name]) continue;
      const ran = runs[id]?.outputs?.find((o) => o.port === port.name && o.kind === 'table' && o.columns);
      if (!ran?.columns) continue;
      merged[port.name] = { kind: 'table', columns: ran.columns };
      fromRun.add(`${id}\u0000${port.name}`);
    }
    outputs.set(id, merged);
  }
  return { outputs, fromRun };
}

/** The columns known at each table input of `nodeId`; a port left out is not connected or not known yet. */
export function knownInputs(doc: PipelineDocument, nodeId: string, schemas: InferredSchemas): Readonly<Record<string, KnownInput>> {
  const out: Record<string, KnownInput> = {};
  for (const e of doc.edges) {
    if (e.to.node !== nodeId) continue;
    const schema = schemas.outputs.get(e.from.node)?.[e.from.port];
    if (schema?.kind !== 'table') continue;
    const source = isFromRun(doc, e.from.node, e.from.port, schemas) ? 'last run' : 'inferred';
    out[e.to.port] = { columns: schema.columns, source };
  }
  return out;
}

/** Whether a port's columns rest on a run record, there or anywhere upstream of it. */
function isFromRun(doc: PipelineDocument, node: string, port: string, schemas: InferredSchemas): boolean {
  if (schemas.fromRun.has(`${node}\u0000${port}`)) return true;
  const seen = new Set<string>([node]);
  const stack = [node];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const e of doc.edges) {
      if (e.to.node !== id) continue;
      if (schemas.fromRun.has(`${e.from.node}\u0000${e.from.port}`)) return true;
      if (!seen.has(e.from.node)) {
        seen.add(e.from.node);
        stack.push(e.from.node);
      }
    }
  }
  return false;
}

/** The schema map handed to a spec's inferSchema for `nodeId`, from what is known. */
export function inputSchemaMap(known: Readonly<Record<string, KnownInput>>): SchemaMap {
  return Object.fromEntries(Object.entries(known).map(([port, k]) => [port, { kind: 'table', columns: k.columns }]));
}
