/**
 * Drift statistics as pure functions, written to give the numbers scipy 1.10 and Evidently give:
 * the two-sample Kolmogorov-Smirnov p-value (`scipy.stats.ks_2samp`, method 'auto': the exact
 * lattice-path probabilities for samples up to 10,000, else the `kstwo` distribution of
 * Simard & L'Ecuyer as in `scipy/stats/_ksstats.py` and cephes `smirnov`), the first Wasserstein
 * distance, Pearson's chi-squared (`scipy.stats.chisquare`), the two-proportion Z-test, the
 * Jensen-Shannon distance (`scipy.spatial.distance.jensenshannon`) and the PSI with Evidently's
 * binning and zero-bucket smoothing.
 *
 * The node computes the large parts (sorted value counts, cumulative sums, histogram counts) in
 * DuckDB and hands these functions only sizes, counts and statistics; the array versions here
 * (`ksStatistic`, `wassersteinDistance`) exist for tests and small data.
 */

// ---------------------------------------------------------------------------------------------
// Kolmogorov-Smirnov, two samples

export interface KsResult {
  /** The largest distance between the two empirical CDFs. */
  readonly statistic: number;
  readonly pValue: number;
  /** How the p-value was computed: scipy's `exact` lattice paths or the `asymp` kstwo tail. */
  readonly mode: 'exact' | 'asymp';
}

/** scipy's `MAX_AUTO_N`: method 'auto' tries the exact p-value when both samples are at most this big. */
export const KS_MAX_EXACT_N = 10000;

/** The KS statistic D of two samples, with ties handled as scipy does (right-continuous ECDFs). */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * `ks_2samp(a, b)` (two-sided, method 'auto') from the statistic and the sample sizes.
 * `d` may be given as the integer numerator `k` of D = k / (n1 * n2) via `ks2sampFromCounts`,
 * which is how the node gets it from SQL without rounding.
 */
export function ks2samp(d: number, n1: number, n2: number): KsResult {
  if (!(n1 >= 1 && n2 >= 1 && Number.isInteger(n1) && Number.isInteger(n2))) throw new Error(`KS needs two non-empty samples, got sizes ${n1} and ${n2}`);
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = attemptExact(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: clip01(exact.p), mode: 'exact' };
    // Like scipy: an exact computation that fails falls back to the asymptotic one, with d = h / lcm.
    d = Math.round(d * lcmOf(n1, n2)) / lcmOf(n1, n2);
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: clip01(kstwoSf(d, roundHalfEven(en))), mode: 'asymp' };
}

/** `ks2samp` with D given exactly as k / (n1 * n2), k the largest |c1 * n2 - c2 * n1| over the values. */
export function ks2sampFromCounts(k: number, n1: number, n2: number): KsResult {
  return ks2samp(k / n1 / n2, n1, n2);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const lcmOf = (n1: number, n2: number): number => (n1 / gcd(n1, n2)) * n2;

/** scipy's `_attempt_exact_2kssamp` (two-sided): undefined when the float computation fails. */
function attemptExact(n1: number, n2: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dd = h / lcm;
  if (h === 0) return { d: dd, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  if (!Number.isFinite(p) || !(p >= 0 && p <= 1)) return undefined;
  return { d: dd, p };
}

/** scipy's `_compute_prob_outside_square`: P(D_{n,n} >= h/n), a Horner-like alternating sum. */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * scipy's `_compute_outer_prob_inside_method` (Hodges' inside method, Viehmann's 1 - p recursion):
 * the share of lattice paths from (0,0) to (m,n) that leave |x/m - y/n| < h / lcm(m, n).
 */
export function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1];
}

// ---------------------------------------------------------------------------------------------
// kstwo: the two-sided one-sample KS distribution (scipy/stats/_ksstats.py, Simard & L'Ecuyer)

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT2PI = Math.sqrt(2 * Math.PI);
const MIN_LOG = -708;
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953,
  0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

/** `kstwo.sf(d, n)`: P(D_n >= d) for the two-sided one-sample statistic of n observations. */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!(Number.isInteger(n) && n > 0)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: 1/2n <= x <= 1/n
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmognDMTW(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmognPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmognDMTW(n, x);
  else cdf = kolmognPelzGood(n, x);
  return clip01(1 - cdf);
}

function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * polyval(STIRLING_COEFFS, rn / n);
}

function polyval(p: readonly number[], x: number): number {
  let y = 0;
  for (const c of p) y = y * x + c;
  return y;
}

/** ldexp without the intermediate overflow of `p * 2 ** e` for large |e|. */
function ldexp(p: number, e: number): number {
  while (e > 1000) {
    p *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    p *= 2 ** -1000;
    e += 1000;
  }
  return p * 2 ** e;
}

/** Durbin's matrix algorithm as Marsaglia, Tsang and Wang compute it: P(D_n <= d). */
function kolmognDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > EP128) {
      for (let i = 0; i < H.length; i++) H[i] /= EP128;
      Hexpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hpwr[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pomeranz's recursion: P(D_n <= x), for n <= 140. */
function kolmognPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  let expnt = 0;
  const [gOverN, twoGOverN, oneMinusTwoGOverN] = [g / n, (2 * g) / n, (1 - 2 * g) / n];
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const a = V0.subarray(k1 - V0s, Math.min(k1 - V0s + ln2, npwrs));
      const b = pwrs.subarray(0, Math.min(ln2, npwrs));
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      for (let q = 0; q < convLen; q++) {
        // Entry convStart + q of the full convolution of a and b.
        const idx = convStart + q;
        let s = 0;
        for (let r = Math.max(0, idx - b.length + 1); r <= Math.min(idx, a.length - 1); r++) s += a[r] * b[idx - r];
        V1[q] = s;
      }
      let mx = 0;
      for (const val of V1) mx = Math.max(mx, val);
      if (mx > 0 && mx < EM128) {
        for (let q = 0; q < V1.length; q++) V1[q] *= EP128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz and Good's approximation of P(D_n <= x). */
function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const [zsquared, zthree, zfour, zsix] = [z ** 2, z ** 3, z ** 4, z ** 6];
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const [msquared, mfour, msix] = [m ** 2, m ** 4, m ** 6];
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * msquared, k2a + k2b * msquared + k2c * mfour, k3a + k3b * msquared + k3c * mfour + k3d * msix];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qpower + coeffs[i];
  }
  const div = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];
  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksq = k * k;
    const qp = q ** ksq;
    const kspi = Math.PI * k;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
  }
  K[2] += k2extra * ((PI_SQUARED * SQRT2PI) / (-36 * zthree));
  K[3] += k3extra * ((PI_SQUARED * SQRT2PI) / (216 * zsix));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}

/**
 * cephes `smirnov(n, x)`: the one-sided statistic's survival P(D+_n >= x), by the Birnbaum-Tingey
 * sum (lower or upper, as scipy chooses). scipy sums in double-double; this sums logs of each
 * term in doubles, which agrees to about 1e-13 relative.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const [nxfl, alpha] = floorAndRemainder(n, x);
  const nx = n * x;
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clip01(1 - x * (1 + x) ** (n - 1));
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return clip01((1 - x) ** n);
  if (n > 1000000) {
    const logp = -((6 * nx + 1) ** 2) / 18 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  const nUpperTerms = n - n1mxceil + 1;
  const useUpper = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
  const [start, step, nTerms] = useUpper ? [n, -1, n - n1mxceil + 1] : [0, 1, n1mxfl + 1];
  let sum = useUpper ? (1 + x) ** (n - 1) : (1 - x) ** n / x;
  const vmid = Math.floor(n / 2);
  let logC = Math.log(n); // log C(n, 1), after scipy's first updateBinomial(n, 0)
  for (let j = 1; j < nTerms; j++) {
    const v = start + j * step;
    const t2x = (n - v) / n - x;
    const t1x = v / n + x;
    // The upper sum's terms have 1 - x - v/n < 0: an alternating sign from the odd powers.
    const sign = t2x < 0 && (n - v) % 2 === 1 ? -1 : 1;
    const aj = t2x === 0 && n - v > 0 ? 0 : sign * Math.exp(logC + (n - v) * Math.log(Math.abs(t2x)) + (v - 1) * Math.log(t1x));
    if (Number.isFinite(aj) && aj !== 0) sum += aj;
    if (aj !== 0) {
      if (4 * (nTerms - j) * Math.abs(aj) < Number.EPSILON * sum && j !== nTerms - 1) break;
    } else if (j > vmid) break;
    logC += Math.log((n - j) / (j + 1));
  }
  const prob = x * sum;
  return clip01(useUpper ? 1 - prob : prob);
}

const CEPHES_MINLOG = -745.1332191019412;

/** floor(n * x) and its remainder, with the product taken exactly (Dekker's two-product). */
function floorAndRemainder(n: number, x: number): [number, number] {
  const p = n * x;
  const err = twoProductError(n, x, p);
  let fl = Math.floor(p);
  let alpha = p - fl + err;
  if (alpha < 0) {
    fl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    fl += 1;
    alpha -= 1;
  }
  return [fl, alpha];
}

function twoProductError(a: number, b: number, p: number): number {
  const split = (v: number): [number, number] => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

// ---------------------------------------------------------------------------------------------
// Wasserstein distance

/** `scipy.stats.wasserstein_distance(u, v)`: the area between the two empirical CDFs. */
export function wassersteinDistance(u: readonly number[], v: readonly number[]): number {
  if (u.length === 0 || v.length === 0) throw new Error('Wasserstein distance needs two non-empty samples');
  const counts = new Map<number, [number, number]>();
  for (const x of u) counts.set(x, [(counts.get(x)?.[0] ?? 0) + 1, counts.get(x)?.[1] ?? 0]);
  for (const x of v) counts.set(x, [counts.get(x)?.[0] ?? 0, (counts.get(x)?.[1] ?? 0) + 1]);
  const values = [...counts.keys()].sort((a, b) => a - b);
  return wassersteinFromValueCounts(
    values,
    values.map((x) => counts.get(x)![0]),
    values.map((x) => counts.get(x)![1]),
  );
}

/** The same from sorted distinct values and each side's count of each value. */
export function wassersteinFromValueCounts(values: readonly number[], countsU: readonly number[], countsV: readonly number[]): number {
  const nu = countsU.reduce((s, c) => s + c, 0);
  const nv = countsV.reduce((s, c) => s + c, 0);
  let cu = 0;
  let cv = 0;
  let area = 0;
  for (let i = 0; i < values.length - 1; i++) {
    cu += countsU[i];
    cv += countsV[i];
    area += Math.abs(cu / nu - cv / nv) * (values[i + 1] - values[i]);
  }
  return area;
}

/** Evidently's normed Wasserstein: the distance over the reference's std (ddof 0), at least 0.001. */
export function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, 0.001);
}

// ---------------------------------------------------------------------------------------------
// Chi-squared and Z tests

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Evidently's chi-squared test: `scipy.stats.chisquare(f_obs, f_exp)` with the current counts
 * observed and the reference counts scaled to the current size expected, over the union of
 * categories (df = categories - 1). A category the reference never saw makes the statistic
 * infinite and the p-value 0, as in scipy.
 */
export function chiSquareTest(referenceCounts: readonly number[], currentCounts: readonly number[]): TestResult {
  const nRef = referenceCounts.reduce((s, c) => s + c, 0);
  const nCur = currentCounts.reduce((s, c) => s + c, 0);
  if (nRef === 0 || nCur === 0) throw new Error('chi-squared needs two non-empty samples');
  const k = nCur / nRef;
  let stat = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const expected = referenceCounts[i] * k;
    const diff = currentCounts[i] - expected;
    stat += expected === 0 ? (diff === 0 ? NaN : Infinity) : (diff * diff) / expected;
  }
  const df = referenceCounts.length - 1;
  if (Number.isNaN(stat)) return { statistic: NaN, pValue: NaN };
  return { statistic: stat, pValue: df <= 0 ? NaN : stat === Infinity ? 0 : chi2Sf(stat, df) };
}

/**
 * Evidently's Z-test for two proportions: the share of the first category (in sorted order) in
 * each sample, pooled variance, two-sided normal p-value. One shared value on both sides: p = 1.
 */
export function zTest(refFirst: number, nRef: number, curFirst: number, nCur: number): TestResult {
  if (nRef === 0 || nCur === 0) throw new Error('Z-test needs two non-empty samples');
  // Evidently codes the first category 0 and the others 1, and tests the share of 1s.
  const p1 = (nRef - refFirst) / nRef;
  const p2 = (nCur - curFirst) / nCur;
  const P = (p1 * nRef + p2 * nCur) / (nRef + nCur);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / nRef + 1 / nCur));
  return { statistic: z, pValue: Number.isNaN(z) ? NaN : normalTwoSided(z) };
}

/** 2 * (1 - Phi(|z|)) = erfc(|z| / sqrt 2) = Q(1/2, z^2 / 2). */
export function normalTwoSided(z: number): number {
  return gammaincc(0.5, (z * z) / 2);
}

/** The chi-squared survival function, `scipy.stats.chi2.sf(x, df)`. */
export function chi2Sf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaincc(df / 2, x / 2);
}

const MACHEP = 1.11022302462515654042e-16;
const MAXLOG = 709.782712893384;
const BIG = 4.503599627370496e15;
const BIGINV = 2.22044604925031308085e-16;

/** The regularised upper incomplete gamma function Q(a, x) (cephes `igamc`). */
export function gammaincc(a: number, x: number): number {
  if (x < 0 || a <= 0) return NaN;
  if (x === 0) return 1;
  if (!Number.isFinite(x)) return 0;
  if (x < 1 || x < a) return 1 - gammainc(a, x);
  let ax = a * Math.log(x) - x - lgamma(a);
  if (ax < -MAXLOG) return 0;
  ax = Math.exp(ax);
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  let t: number;
  do {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    } else t = 1;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIGINV;
      pkm1 *= BIGINV;
      qkm2 *= BIGINV;
      qkm1 *= BIGINV;
    }
  } while (t > MACHEP);
  return ans * ax;
}

/** The regularised lower incomplete gamma function P(a, x) (cephes `igam`). */
export function gammainc(a: number, x: number): number {
  if (x <= 0 || a <= 0) return 0;
  if (x > 1 && x > a) return 1 - gammaincc(a, x);
  let ax = a * Math.log(x) - x - lgamma(a);
  if (ax < -MAXLOG) return 0;
  ax = Math.exp(ax);
  let r = a;
  let c = 1;
  let ans = 1;
  do {
    r += 1;
    c *= x / r;
    ans += c;
  } while (c / ans > MACHEP);
  return (ans * ax) / a;
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7): about 1e-15 relative. */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xm = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (xm + i);
  const t = xm + LANCZOS_G + 0.5;
  return 0.5 * LOG_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(s);
}

// ---------------------------------------------------------------------------------------------
// Jensen-Shannon and PSI

/**
 * `scipy.spatial.distance.jensenshannon(p, q, base)`: both vectors normalised to sum 1, then
 * sqrt of the mean of the two relative entropies to their midpoint; natural log unless `base`.
 */
export function jensenShannon(p: readonly number[], q: readonly number[], base?: number): number {
  if (p.length !== q.length) throw new Error('Jensen-Shannon needs two vectors of one length');
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    js += relEntr(a, m) + relEntr(b, m);
  }
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2);
}

/** scipy.special.rel_entr. */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Evidently's `get_binned_data(feel_zeroes=True)`: empty buckets get the smallest non-empty share
 * divided by 1e6 when that share is at most 1e-4, else 1e-4, so the PSI stays finite.
 */
export function fillZeroShares(shares: readonly number[]): number[] {
  const nonZero = shares.filter((s) => s !== 0);
  if (nonZero.length === 0) return [...shares];
  const min = Math.min(...nonZero);
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** Evidently's PSI over bucket counts: sum (r - c) * ln(r / c) of the shares, zero buckets filled. */
export function psi(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  const nRef = referenceCounts.reduce((s, c) => s + c, 0);
  const nCur = currentCounts.reduce((s, c) => s + c, 0);
  const r = fillZeroShares(referenceCounts.map((c) => c / nRef));
  const c = fillZeroShares(currentCounts.map((v) => v / nCur));
  let total = 0;
  for (let i = 0; i < r.length; i++) total += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Histogram edges

/**
 * `np.histogram_bin_edges(x, bins='sturges')` from the sample's size and range: ceil(log2(n) + 1)
 * equal bins (as numpy computes it, through the width), edges from `np.linspace`.
 */
export function sturgesEdges(n: number, min: number, max: number): number[] {
  let [first, last] = [min, max];
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** `np.linspace(start, stop, num)` with the endpoint: i * step + start, the last exactly stop. */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out = Array.from({ length: num }, (_, i) => (step === 0 ? ((i / div) * (stop - start)) + start : i * step + start));
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * `np.histogram(x, edges)[0]` for explicit edges: bin i holds edges[i] <= x < edges[i+1], the last
 * bin closed; values outside are not counted.
 */
export function histogramCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const x of values) {
    if (!(x >= edges[0] && x <= edges[last])) continue;
    let lo = 0;
    let hi = last;
    // the largest i with edges[i] <= x, capped at the last bin
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) lo = mid;
      else hi = mid;
    }
    counts[Math.min(lo, last - 1)]++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------

function clip01(p: number): number {
  return Number.isNaN(p) ? p : Math.min(1, Math.max(0, p));
}

/** numpy's round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
