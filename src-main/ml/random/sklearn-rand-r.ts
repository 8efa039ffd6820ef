/**
 * scikit-learn's tree-internal generator (`sklearn/utils/_random.pxd` `our_rand_r`, used by
 * `sklearn/tree/_utils.pyx` `rand_int`): a 32-bit xorshift (13, 17, 5) whose state is seeded by
 * `random_state.randint(0, RAND_R_MAX)`. Its draws decide the order in which a node's features
 * are visited, hence which of several equally good splits is kept.
 */

export const RAND_R_MAX = 0x7fffffff;
/** Replaces a zero state, which xorshift would never leave. */
const DEFAULT_SEED = 1;

export class RandR {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** `our_rand_r`: advances the state; returns it modulo RAND_R_MAX + 1. */
  next(): number {
    let s = this.state;
    if (s === 0) s = DEFAULT_SEED;
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    this.state = s;
    return s % (RAND_R_MAX + 1);
  }

  /** `rand_int(low, high)`: an integer in [low, high). */
  int(low: number, high: number): number {
    return low + (this.next() % (high - low));
  }
}
