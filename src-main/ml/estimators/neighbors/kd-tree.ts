/**
 * Exact k-nearest-neighbour search under the euclidean metric: a KD-tree (median splits on the
 * widest dimension, bounding-box pruning) for low dimensions, brute force with a bounded max-heap
 * (partial sort, O(n log k) per query) otherwise. Both order neighbours by (distance, training
 * index), so equal distances resolve to the lower index — the same answer from either search.
 */

export interface Neighbors {
  /** indices[q * k + r]: training row of query q's r-th nearest neighbour. */
  readonly indices: Int32Array;
  /** distances[q * k + r]: its euclidean distance. */
  readonly distances: Float64Array;
}

export interface NeighborIndex {
  readonly kind: 'kd_tree' | 'brute';
  /** Queries given row-major (m × d); returns k neighbours each. */
  query(queries: Float64Array, m: number, k: number): Neighbors;
}

const LEAF_SIZE = 30;

/** Bounded max-heap on (distance², index): the root is the worst neighbour kept so far. */
class KHeap {
  readonly d: Float64Array;
  readonly i: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.d = new Float64Array(k);
    this.i = new Int32Array(k);
  }
  reset(): void { this.size = 0; }
  /** Distance² a candidate must beat (Infinity until k are kept). */
  bound(): number { return this.size < this.k ? Infinity : this.d[0]; }
  private worse(a: number, b: number): boolean {
    return this.d[a] > this.d[b] || (this.d[a] === this.d[b] && this.i[a] > this.i[b]);
  }
  push(dist: number, idx: number): void {
    const { d, i } = this;
    if (this.size < this.k) {
      let c = this.size++;
      d[c] = dist; i[c] = idx;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!this.worse(c, parent)) break;
        this.swap(c, parent);
        c = parent;
      }
      return;
    }
    if (dist > d[0] || (dist === d[0] && idx > i[0])) return;
    d[0] = dist; i[0] = idx;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1, r = l + 1;
      let w = c;
      if (l < this.size && this.worse(l, w)) w = l;
      if (r < this.size && this.worse(r, w)) w = r;
      if (w === c) break;
      this.swap(c, w);
      c = w;
    }
  }
  private swap(a: number, b: number): void {
    const td = this.d[a]; this.d[a] = this.d[b]; this.d[b] = td;
    const ti = this.i[a]; this.i[a] = this.i[b]; this.i[b] = ti;
  }
  /** Writes the kept neighbours in ascending (distance, index) order. */
  drain(outI: Int32Array, outD: Float64Array, offset: number): void {
    const order = Array.from({ length: this.size }, (_, j) => j);
    order.sort((a, b) => this.d[a] - this.d[b] || this.i[a] - this.i[b]);
    for (let r = 0; r < order.length; r++) {
      outI[offset + r] = this.i[order[r]];
      outD[offset + r] = Math.sqrt(this.d[order[r]]);
    }
  }
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}

export function bruteIndex(data: Float64Array, n: number, d: number): NeighborIndex {
  return {
    kind: 'brute',
    query(queries, m, k) {
      const indices = new Int32Array(m * k);
      const distances = new Float64Array(m * k);
      const heap = new KHeap(k);
      for (let q = 0; q < m; q++) {
        heap.reset();
        const qo = q * d;
        for (let i = 0; i < n; i++) {
          const s = sqDist(queries, qo, data, i * d, d);
          if (s <= heap.bound()) heap.push(s, i);
        }
        heap.drain(indices, distances, q * k);
      }
      return { indices, distances };
    },
  };
}

export function kdTreeIndex(data: Float64Array, n: number, d: number): NeighborIndex {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const maxNodes = 2 * Math.max(1, Math.ceil(n / LEAF_SIZE)) * 2 + 1;
  const start = new Int32Array(maxNodes);
  const end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d);
  const hi = new Float64Array(maxNodes * d);
  let count = 0;

  const build = (s: number, e: number): number => {
    const node = count++;
    start[node] = s; end[node] = e;
    for (let j = 0; j < d; j++) { lo[node * d + j] = Infinity; hi[node * d + j] = -Infinity; }
    for (let p = s; p < e; p++) {
      const base = perm[p] * d;
      for (let j = 0; j < d; j++) {
        const v = data[base + j];
        if (v < lo[node * d + j]) lo[node * d + j] = v;
        if (v > hi[node * d + j]) hi[node * d + j] = v;
      }
    }
    if (e - s <= LEAF_SIZE) return node;
    let dim = 0, spread = -1;
    for (let j = 0; j < d; j++) {
      const w = hi[node * d + j] - lo[node * d + j];
      if (w > spread) { spread = w; dim = j; }
    }
    if (spread <= 0) return node; // all points equal
    const mid = (s + e) >> 1;
    select(perm, data, d, dim, s, e - 1, mid);
    left[node] = build(s, mid);
    right[node] = build(mid, e);
    return node;
  };
  if (n > 0) build(0, n);

  const boxDist = (node: number, q: Float64Array, qo: number): number => {
    let s = 0;
    const b = node * d;
    for (let j = 0; j < d; j++) {
      const v = q[qo + j];
      const t = v < lo[b + j] ? lo[b + j] - v : v > hi[b + j] ? v - hi[b + j] : 0;
      s += t * t;
    }
    return s;
  };

  return {
    kind: 'kd_tree',
    query(queries, m, k) {
      const indices = new Int32Array(m * k);
      const distances = new Float64Array(m * k);
      const heap = new KHeap(k);
      const visit = (node: number, q: Float64Array, qo: number, nodeDist: number): void => {
        if (nodeDist > heap.bound()) return;
        if (left[node] < 0) {
          for (let p = start[node]; p < end[node]; p++) {
            const i = perm[p];
            const s = sqDist(q, qo, data, i * d, d);
            if (s <= heap.bound()) heap.push(s, i);
          }
          return;
        }
        const dl = boxDist(left[node], q, qo);
        const dr = boxDist(right[node], q, qo);
        if (dl <= dr) { visit(left[node], q, qo, dl); visit(right[node], q, qo, dr); }
        else { visit(right[node], q, qo, dr); visit(left[node], q, qo, dl); }
      };
      for (let q = 0; q < m; q++) {
        heap.reset();
        if (n > 0) visit(0, queries, q * d, 0);
        heap.drain(indices, distances, q * k);
      }
      return { indices, distances };
    },
  };
}

/** Quickselect: reorders perm[l..r] so perm[kth] holds the point with the kth smallest value on dim. */
function select(perm: Int32Array, data: Float64Array, d: number, dim: number, l: number, r: number, kth: number): void {
  const key = (p: number) => data[perm[p] * d + dim];
  while (r > l) {
    // Median of three as the pivot, for sorted inputs.
    const m = (l + r) >> 1;
    const a = key(l), b = key(m), c = key(r);
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = l, j = r;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        i++; j--;
      }
    }
    if (kth <= j) r = j;
    else if (kth >= i) l = i;
    else return;
  }
}
