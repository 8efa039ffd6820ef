import { z } from 'zod';

/**
 * What changed between two pipeline documents (a -> b), positions ignored: nodes matched by id,
 * edges by their endpoints (an edge re-created with a new id is the same edge). Computed by
 * diffPipelines in diff.ts; drawn by the renderer's diff view and printed by `plumb diff`.
 */

/**
 * One changed value: `path` is dotted from the node (`params.max_depth`, `label`, `typeVersion`).
 * `old` is absent when the value was added, `new` when it was removed (so a real `null` stays
 * distinguishable from "not set", also after a JSON round trip).
 */
export const ValueChange = z.object({ path: z.string(), old: z.unknown().optional(), new: z.unknown().optional() }).strict();
export type ValueChange = z.infer<typeof ValueChange>;

const EdgeEnds = z.object({ id: z.string(), from: z.object({ node: z.string(), port: z.string() }), to: z.object({ node: z.string(), port: z.string() }) });

export const PipelineDiff = z
  .object({
    /** Node ids only in b. */
    addedNodes: z.array(z.object({ id: z.string(), type: z.string() })),
    /** Node ids only in a. */
    removedNodes: z.array(z.object({ id: z.string(), type: z.string() })),
    /** Nodes in both with a different type, version, label, params or notes. */
    changedNodes: z.array(z.object({ id: z.string(), type: z.string(), changes: z.array(ValueChange) })),
    addedEdges: z.array(EdgeEnds),
    removedEdges: z.array(EdgeEnds),
    /** Pipeline-level changes: name, description, sticky notes' text. */
    pipelineChanges: z.array(ValueChange),
    /** True when nothing but positions (or ids of edges) differs. */
    same: z.boolean(),
  })
  .strict();
export type PipelineDiff = z.infer<typeof PipelineDiff>;
