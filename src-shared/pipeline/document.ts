import { z } from 'zod';

export const PIPELINE_FORMAT = 'plumb.pipeline';
/** The newest document format this build reads and writes. */
export const PIPELINE_VERSION = 1;

const Id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');

const Finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const PortRef = z.strictObject({ node: Id, port: z.string().min(1).max(100) });
export type PortRef = z.infer<typeof PortRef>;

export const PipelineNode = z.strictObject({
  id: Id,
  type: z.string().min(1).max(200),
  typeVersion: z.number().int().min(1),
  position: z.strictObject({ x: Finite, y: Finite }),
  label: z.string().max(500).optional(),
  params: z.record(z.string(), z.unknown()),
  notes: z.string().max(100_000).optional(),
});
export type PipelineNode = z.infer<typeof PipelineNode>;

export const PipelineEdge = z.strictObject({ id: Id, from: PortRef, to: PortRef });
export type PipelineEdge = z.infer<typeof PipelineEdge>;

export const Viewport = z.strictObject({ x: Finite, y: Finite, zoom: Finite });

export const PipelineDocument = z.strictObject({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(PIPELINE_VERSION),
  id: Id,
  name: z.string().max(500),
  description: z.string().max(100_000),
  nodes: z.array(PipelineNode).max(10_000),
  edges: z.array(PipelineEdge).max(50_000),
  viewport: Viewport.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type PipelineDocument = z.infer<typeof PipelineDocument>;

export function emptyDocument(id: string, name = 'Untitled pipeline'): PipelineDocument {
  return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, id, name, description: '', nodes: [], edges: [] };
}
