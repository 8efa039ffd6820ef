import type { ChainStep } from '../nodes/chain.js';
import { applyBin, type BinState } from './bin.js';
import { applyDerive, type DeriveState } from './derive.js';
import { applyEncode, type EncodeState } from './encode.js';
import { applyImpute, type ImputeState } from './impute.js';
import { applyScale, type ScaleState } from './scale.js';
import { applySelect, type SelectState } from './select.js';
import { applyTransform, type TransformState } from './transform.js';

type Row = Readonly<Record<string, unknown>>;
type Replay = (state: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>, row: Row) => Record<string, unknown>;

/** The row-wise replay of each fitted step type: the same values as the node's SQL (tested to 1e-12). */
const REPLAY: Readonly<Record<string, Replay>> = {
  'feature.impute@1': (s, p, r) => applyImpute(s as unknown as ImputeState, p, r),
  'feature.scale@1': (s, p, r) => applyScale(s as unknown as ScaleState, p, r),
  'feature.encode@1': (s, p, r) => applyEncode(s as unknown as EncodeState, p, r),
  'feature.bin@1': (s, p, r) => applyBin(s as unknown as BinState, p, r),
  'feature.transform@1': (s, p, r) => applyTransform(s as unknown as TransformState, p, r),
  'feature.derive@1': (s, p, r) => applyDerive(s as unknown as DeriveState, p, r),
  'feature.select@1': (s, p, r) => applySelect(s as unknown as SelectState, p, r),
};

/** Step types whose replay is not written yet: a model that needs one says so instead of guessing. */
export function unreplayableSteps(chain: readonly ChainStep[]): ChainStep[] {
  return chain.filter((s) => !REPLAY[`${s.type}@${s.version}`]);
}

/**
 * Applies a preprocessing chain to one raw row, step by step, exactly as training saw it.
 * Throws naming the step (and its node) when a step type cannot be replayed.
 */
export function applyChain(chain: readonly ChainStep[], row: Row): Record<string, unknown> {
  let current: Record<string, unknown> = { ...row };
  for (const step of chain) {
    const replay = REPLAY[`${step.type}@${step.version}`];
    if (!replay) throw new Error(`the step ${step.type}@${step.version} (node ${step.node}) cannot be replayed on new rows yet`);
    current = replay(step.state, step.params, current);
  }
  return current;
}
