import { z } from 'zod';

export const PIPELINE_FORMAT = 'plumb.pipeline';
/**
 * The newest document format this build reads and writes. 2 added the top-level `notes` (sticky
 * notes on the canvas); migrations.ts upgrades a version 1 file.
 */
export const PIPELINE_VERSION = 2;

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

/** Sticky-note colours by name, so each theme (light, dark) can draw them its own way. */
export const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink', 'purple', 'gray'] as const;
export type NoteColor = (typeof NOTE_COLORS)[number];

const Positive = z.number().gt(0).refine(Number.isFinite, 'must be a finite number');

/** A sticky note on the canvas: text for the reader, never input to a run. */
export const PipelineNote = z.strictObject({
  id: Id,
  position: z.strictObject({ x: Finite, y: Finite }),
  size: z.strictObject({ width: Positive, height: Positive }).optional(),
  text: z.string().max(100_000),
  color: z.enum(NOTE_COLORS).optional(),
});
export type PipelineNote = z.infer<typeof PipelineNote>;

export const Viewport = z.strictObject({ x: Finite, y: Finite, zoom: Finite });

export const PipelineDocument = z.strictObject({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(PIPELINE_VERSION),
  id: Id,
  name: z.string().max(500),
  description: z.string().max(100_000),
  nodes: z.array(PipelineNode).max(10_000),
  edges: z.array(PipelineEdge).max(50_000),
  notes: z
    .array(PipelineNote)
    .max(10_000)
    .superRefine((notes, ctx) => {
      // The canvas keys notes by id: two with one id would be drawn as one.
      const seen = new Set<string>();
      notes.forEach((n, i) => {
        if (seen.has(n.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate note id "${n.id}"` });
        seen.add(n.id);
      });
    })
    .optional(),
  viewport: Viewport.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type PipelineDocument = z.infer<typeof PipelineDocument>;

export function emptyDocument(id: string, name = 'Untitled pipeline'): PipelineDocument {
  return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, id, name, description: '', nodes: [], edges: [] };
}
