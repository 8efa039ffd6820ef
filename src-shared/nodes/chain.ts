/**
 * The preprocessing chain a table carries in its artifact metadata (DESIGN.md section 6): the
 * row-wise column transforms since the last ingest or join, each with its fitted state, so that
 * training, evaluation, batch prediction, the playground and the ONNX export replay exactly the
 * same steps on raw rows. A split, a filter or a validation passes the chain through unchanged;
 * an ingest or a join starts a new (empty) one.
 */
export interface ChainStep {
  /** The node type and version that made the step, e.g. `feature.scale@1`. */
  readonly type: string;
  readonly version: number;
  /** The node id in the pipeline it came from, for messages. */
  readonly node: string;
  /** The params that shape the transform (columns, method...). */
  readonly params: Readonly<Record<string, unknown>>;
  /** What the step learned from its input rows (means, scales, categories, bin edges...); empty for stateless steps. */
  readonly state: Readonly<Record<string, unknown>>;
}

export interface TableMeta {
  readonly chain?: readonly ChainStep[];
  /** Set by a split on each of its outputs: which side this table is. */
  readonly split?: 'train' | 'test';
}

export function chainOf(meta: TableMeta | undefined): readonly ChainStep[] {
  return Array.isArray(meta?.chain) ? meta.chain : [];
}

/** The metadata of a table made by appending `step` to its input's chain (a split's side is kept). */
export function withStep(input: TableMeta | undefined, step: ChainStep): TableMeta {
  return { ...(input?.split ? { split: input.split } : {}), chain: [...chainOf(input), step] };
}
