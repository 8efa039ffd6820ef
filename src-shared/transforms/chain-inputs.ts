/**
 * The raw columns a model reads (DESIGN.md section 6): walking the preprocessing chain backwards
 * from the estimator's features, each step's outputs are traced to the input columns it reads.
 * What comes out is the contract of a served model: the ONNX export makes one graph input per
 * entry, the playground builds its form from them (with an encoder's categories as choices).
 * Pure: no Node, no DOM.
 */
import type { ChainStep } from '../nodes/chain.js';
import type { ColumnSchema } from '../nodes/spec.js';
import { valueKind } from './common.js';
import type { Category, EncodeState } from './encode.js';
import type { ImputeState } from './impute.js';

export interface ChainInput {
  readonly name: string;
  readonly type: 'number' | 'text' | 'boolean';
  /** The values an encoder knows for this column (scikit-learn's categories_, then the infrequent ones). */
  readonly categories?: readonly Category[];
  /**
   * True when a missing value of this column is accepted, so a row may leave it out: a step fills
   * it (impute), or an encoder takes it (a missing category, or handle_unknown "ignore").
   */
  readonly imputed: boolean;
}

/** Raised when the inputs cannot be traced: a step type this module does not know, a column of no usable type. */
export class ChainInputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainInputsError';
  }
}

type Kind = ChainInput['type'];

interface Need {
  readonly kind: Kind;
  readonly imputed: boolean;
  readonly categories?: readonly Category[];
}

/** What one step output is made from: the input column and how the step reads it. */
interface Source {
  readonly name: string;
  /** The kind the step reads the input as; undefined: as the output is read (a passthrough). */
  readonly kind?: Kind;
  /**
   * Whether a missing input value is fine: true (the step fills it, or encodes it), false (the
   * step refuses it), or 'carry' (it stays missing: fine when a later step fills it).
   */
  readonly missing: boolean | 'carry';
  readonly categories?: readonly Category[];
  /** The step keeps the value as it is (impute), so the categories known of the output hold for the input. */
  readonly keepsValues?: boolean;
}

/** Per step type: output column -> its source, for the columns the step writes. */
type Trace = (step: ChainStep) => ReadonlyMap<string, Source>;

const numericColumns = (step: ChainStep): ReadonlyMap<string, Source> => {
  const columns = (step.state.columns ?? []) as readonly { name: string }[];
  return new Map(columns.map((c) => [c.name, { name: c.name, kind: 'number' as const, missing: 'carry' as const }]));
};

const TRACES: Readonly<Record<string, Trace>> = {
  'feature.impute@1': (step) => {
    const state = step.state as unknown as ImputeState;
    const out = new Map<string, Source>();
    for (const c of state.columns) {
      out.set(c.name, { name: c.name, kind: c.kind, missing: true, keepsValues: true });
      if (c.indicator) out.set(c.indicator, { name: c.name, kind: c.kind, missing: true });
    }
    return out;
  },
  'feature.scale@1': numericColumns,
  'feature.bin@1': numericColumns,
  'feature.transform@1': numericColumns,
  'feature.encode@1': (step) => {
    const state = step.state as unknown as EncodeState;
    const out = new Map<string, Source>();
    for (const c of state.columns) {
      const categories = [...c.categories, ...(state.method === 'onehot' ? c.infrequent : [])];
      // Ordinal: a missing value stays missing. One-hot: it is a category, or ignored as unknown, or refused.
      const missing = state.method === 'ordinal' ? 'carry' : categories.includes(null) || state.handle_unknown === 'ignore';
      for (const o of c.outputs) out.set(o, { name: c.name, kind: c.kind, categories, missing });
      // The original column, when kept, is the raw value: read by the encoder in its kind.
      if (!state.drop_original) out.set(c.name, { name: c.name, kind: c.kind, categories, missing: 'carry', keepsValues: true });
    }
    return out;
  },
};

/** The step types whose inputs can be traced (the ones with a replay in chain.ts). */
export function traceableStep(step: ChainStep): boolean {
  return TRACES[`${step.type}@${step.version}`] !== undefined;
}

/**
 * The raw columns that `chain` reads to make `features` (the estimator's inputs, in order), in
 * the order the features first need them. Throws a ChainInputsError naming the step and its node
 * for a step type that cannot be traced (feature.select and feature.derive until they can be
 * replayed), and naming the column for a feature of a type a model cannot read.
 */
export function chainInputs(chain: readonly ChainStep[], features: readonly ColumnSchema[]): ChainInput[] {
  const blocked = chain.find((s) => !traceableStep(s));
  if (blocked) {
    throw new ChainInputsError(`the step ${blocked.type}@${blocked.version} (node ${blocked.node}) cannot be traced back to raw columns yet`);
  }
  let needs = new Map<string, Need>();
  for (const f of features) {
    const kind = valueKind(f.type);
    if (kind === 'other') throw new ChainInputsError(`feature "${f.name}" is ${f.type}: a model reads numbers, text or booleans`);
    if (!needs.has(f.name)) needs.set(f.name, { kind, imputed: false });
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const sources = TRACES[`${chain[i].type}@${chain[i].version}`](chain[i]);
    const next = new Map<string, Need>();
    for (const [name, need] of needs) {
      const source = sources.get(name);
      if (!source) {
        merge(next, name, need);
        continue;
      }
      merge(next, source.name, {
        kind: source.kind ?? need.kind,
        imputed: source.missing === 'carry' ? need.imputed : source.missing,
        ...(source.categories ? { categories: source.categories } : source.keepsValues && need.categories ? { categories: need.categories } : {}),
      });
    }
    needs = next;
  }
  return [...needs].map(([name, n]) => ({ name, type: n.kind, ...(n.categories ? { categories: n.categories } : {}), imputed: n.imputed }));
}

/** Two outputs of one input (an imputed column and its indicator): a missing value is fine only if it is for both. */
function merge(into: Map<string, Need>, name: string, need: Need): void {
  const had = into.get(name);
  if (!had) {
    into.set(name, need);
    return;
  }
  into.set(name, {
    kind: had.kind,
    imputed: had.imputed && need.imputed,
    ...((had.categories ?? need.categories) ? { categories: had.categories ?? need.categories } : {}),
  });
}
