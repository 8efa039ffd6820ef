/**
 * numpy's legacy `RandomState`, as far as scikit-learn's trees consume it: the MT19937 generator
 * seeded from one 32-bit integer (Matsumoto and Nishimura's `init_genrand`, numpy's
 * `mt19937_seed`) and `randint(low, high)` with numpy's legacy bounded-integer algorithm
 * (masked rejection sampling on 32-bit draws). Reproducing these bit for bit is what lets
 * `random_state` pick the same tie-breaking order as scikit-learn.
 */

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/** The 32-bit Mersenne Twister (MT19937). */
export class MT19937 {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** `init_genrand(seed)`: numpy's `RandomState(seed)` for an integer seed in 0..2**32-1. */
  constructor(seed: number) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new Error(`random_state must be an integer in 0..4294967295, got ${seed}`);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      // 1812433253 * (s ^ (s >>> 30)) + i + 1, modulo 2**32
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  /** `genrand_int32`: the next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const k = this.key;
    for (let i = 0; i < N; i++) {
      const y = (k[i] & UPPER_MASK) | (k[(i + 1) % N] & LOWER_MASK);
      k[i] = k[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.pos = 0;
  }
}

/** numpy's legacy `RandomState`: only what scikit-learn's tree fitting draws from it. */
export class LegacyRandomState {
  private readonly mt: MT19937;

  constructor(seed: number) {
    this.mt = new MT19937(seed);
  }

  /**
   * `randint(low, high)` (high exclusive, one value): legacy numpy draws 32-bit words, masks them
   * with the smallest all-ones mask covering `high - 1 - low` and rejects values above it. Ranges
   * wider than 2**32 take 64-bit draws in numpy and are not needed here.
   */
  randint(low: number, high: number): number {
    if (!(Number.isInteger(low) && Number.isInteger(high) && high > low)) throw new Error(`randint needs integers low < high, got ${low}, ${high}`);
    const rng = high - 1 - low;
    if (rng === 0) return low;
    if (rng > 0xffffffff) throw new Error('randint ranges above 2**32 are not supported');
    if (rng === 0xffffffff) return low + this.mt.nextUint32();
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.mt.nextUint32() & mask) >>> 0;
    while (v > rng);
    return low + v;
  }
}
