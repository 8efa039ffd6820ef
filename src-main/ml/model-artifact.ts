import { z } from 'zod';
import type { ChainStep } from '../../src-shared/nodes/chain.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import type { Task } from './estimator.js';

/**
 * A trained model as stored in the artifact store (`*.model.json`): everything needed to predict
 * on raw rows without the training data. The chain is replayed with src-shared/transforms before
 * the estimator sees a row, so training and serving cannot drift apart.
 */
export interface ModelArtifact {
  readonly format: 'plumb.model';
  readonly version: 1;
  readonly estimator: {
    readonly kind: string;
    readonly task: Task;
    readonly params: Readonly<Record<string, unknown>>;
    readonly state: unknown;
  };
  readonly chain: readonly ChainStep[];
  /** The estimator's inputs, in order, after the chain. */
  readonly features: readonly ColumnSchema[];
  readonly target: { readonly name: string; readonly type: string; readonly classes?: readonly string[] };
  readonly trainedOn: { readonly rows: number; readonly table: string };
}

export const ModelArtifactSchema = z.object({
  format: z.literal('plumb.model'),
  version: z.literal(1),
  estimator: z.object({ kind: z.string(), task: z.enum(['classification', 'regression']), params: z.record(z.string(), z.unknown()), state: z.unknown() }),
  chain: z.array(z.object({ type: z.string(), version: z.number(), node: z.string(), params: z.record(z.string(), z.unknown()), state: z.record(z.string(), z.unknown()) })),
  features: z.array(z.object({ name: z.string(), type: z.string() })),
  target: z.object({ name: z.string(), type: z.string(), classes: z.array(z.string()).optional() }),
  trainedOn: z.object({ rows: z.number(), table: z.string() }),
});

/** Parses a model file without trusting it: a clear message naming the file on any mismatch. */
export function parseModelArtifact(text: string, file: string): ModelArtifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not a Plumb model (not JSON)`);
  }
  const parsed = ModelArtifactSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a valid Plumb model: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data as ModelArtifact;
}
