/**
 * DuckDB's CAST of one value, for replaying feature.select on raw rows. Values come in and go out
 * as `DuckSession.objects` reads a table (64-bit integers as numbers when exact, DECIMAL, dates and
 * timestamps as text). `undefined` means the value does not convert (TRY_CAST gives null, CAST
 * fails). Pairs of types whose DuckDB rules are not reproduced here (DOUBLE to DECIMAL, which
 * DuckDB rounds in its own way, TIME...) throw a TransformError saying so rather than guess.
 */
import { formatDate, formatTimestamp, MICROS_PER_DAY, parseDate, parseTimestamp, splitTimestamp, DATE_INF, DATE_NINF, TS_INF, TS_NINF } from '../expr/values.js';
import { roundHalfEven } from '../expr/evaluate.js';
import { TransformError } from './common.js';

type Kind = 'int' | 'float' | 'double' | 'decimal' | 'text' | 'boolean' | 'date' | 'timestamp' | 'other';

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INTEGER: [-2147483648n, 2147483647n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
  UTINYINT: [0n, 255n],
  USMALLINT: [0n, 65535n],
  UINTEGER: [0n, 4294967295n],
  UBIGINT: [0n, 2n ** 64n - 1n],
  HUGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
};

function kindOf(type: string): { kind: Kind; precision?: number; scale?: number } {
  const t = type.trim().toUpperCase();
  if (INT_RANGES[t]) return { kind: 'int' };
  if (t === 'FLOAT' || t === 'REAL') return { kind: 'float' };
  if (t === 'DOUBLE') return { kind: 'double' };
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) };
  if (t === 'VARCHAR' || t.startsWith('ENUM(')) return { kind: 'text' };
  if (t === 'BOOLEAN') return { kind: 'boolean' };
  if (t === 'DATE') return { kind: 'date' };
  if (t === 'TIMESTAMP') return { kind: 'timestamp' };
  return { kind: 'other' };
}

/** A decimal value: an unscaled integer and its scale. */
interface Exact {
  readonly unscaled: bigint;
  readonly scale: number;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** An exact decimal read from digits (`-12.50`, `1e3`, `1_000`); undefined when it is not one. */
function exactOf(text: string): Exact | undefined {
  const m = /^\s*([+-]?)(\d[\d_]*|\d[\d_]*\.[\d_]*|\.\d[\d_]*)(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || /__|_\.|\._|_$/.test(m[2])) return undefined;
  const [whole, frac = ''] = m[2].replace(/_/g, '').split('.');
  const exp = Number(m[3] ?? 0);
  if (Math.abs(exp) > 400) return undefined;
  let unscaled = BigInt((whole || '0') + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    unscaled *= pow10(-scale);
    scale = 0;
  }
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale };
}

/** An exact decimal rounded to `scale` digits, halves away from zero. */
function rescale(x: Exact, scale: number): bigint {
  if (scale >= x.scale) return x.unscaled * pow10(scale - x.scale);
  const d = pow10(x.scale - scale);
  const q = x.unscaled / d;
  const r = x.unscaled % d;
  const twice = (r < 0n ? -r : r) * 2n;
  return twice >= d ? q + (x.unscaled < 0n ? -1n : 1n) : q;
}

function exactToText(x: Exact): string {
  const neg = x.unscaled < 0n;
  const digits = (neg ? -x.unscaled : x.unscaled).toString().padStart(x.scale + 1, '0');
  const text = x.scale === 0 ? digits : `${digits.slice(0, -x.scale)}.${digits.slice(-x.scale)}`;
  return neg ? `-${text}` : text;
}

const jsonInt = (v: bigint): number | string => (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString());
const jsonDouble = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);

/** A double as DuckDB writes it: the shortest digits, `1.0`, `1e+20`, `1e-05`, `nan`, `inf`. */
export function formatDouble(v: number, float32 = false): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 17; p++) {
    const e = v.toExponential(p - 1);
    if ((float32 ? Math.fround(Number(e)) : Number(e)) === v) {
      [digits, exp] = [e.split('e')[0].replace('.', '').replace('-', ''), Number(e.split('e')[1])];
      break;
    }
  }
  const sign = v < 0 ? '-' : '';
  if (exp < -5 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);

/** The value (not null) read in its source type as a number-like exact decimal, where it is one. */
function asExact(v: unknown, kind: Kind): Exact | undefined {
  if (kind === 'int' || kind === 'decimal') return exactOf(String(v));
  if (kind === 'boolean') return { unscaled: v === true ? 1n : 0n, scale: 0 };
  return undefined;
}

/**
 * CAST(v AS to) where v is of DuckDB type `from`: the converted JSON value, or undefined when
 * DuckDB cannot convert this value. Throws a TransformError for a pair of types not replayed.
 */
export function castValue(v: unknown, from: string, to: string, column: string): unknown {
  if (v === null || v === undefined) return null;
  const src = kindOf(from);
  const dst = kindOf(to);
  const unsupported = (): never => {
    throw new TransformError(`column "${column}": a cast from ${from} to ${to} cannot be replayed on new rows yet`);
  };
  const num = (): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v));
  switch (dst.kind) {
    case 'int': {
      const [lo, hi] = INT_RANGES[to.trim().toUpperCase()];
      let n: bigint | undefined;
      if (src.kind === 'float' || src.kind === 'double') {
        const r = roundHalfEven(num());
        n = Number.isFinite(r) ? BigInt(r) : undefined;
      } else if (src.kind === 'text') {
        const t = String(v).trim();
        const hex = /^([+-]?)0x([0-9a-f]+)$/i.exec(t);
        const x = hex ? { unscaled: BigInt(`0x${hex[2]}`) * (hex[1] === '-' ? -1n : 1n), scale: 0 } : exactOf(t);
        n = x && rescale(x, 0);
      } else {
        const x = asExact(v, src.kind);
        n = x ? rescale(x, 0) : unsupported();
      }
      return n !== undefined && n >= lo && n <= hi ? jsonInt(n) : undefined;
    }
    case 'float':
    case 'double': {
      let d: number | undefined;
      if (src.kind === 'float' || src.kind === 'double' || src.kind === 'int' || src.kind === 'decimal') d = num();
      else if (src.kind === 'boolean') d = v === true ? 1 : 0;
      else if (src.kind === 'text') {
        const t = String(v).trim();
        if (/^[+-]?(inf|infinity)$/i.test(t)) d = t.startsWith('-') ? -Infinity : Infinity;
        else if (/^[+-]?nan$/i.test(t)) d = NaN;
        else if (exactOf(t)) d = Number(t.replace(/_/g, ''));
      } else unsupported();
      if (d === undefined) return undefined;
      if (dst.kind === 'float') {
        const f = Math.fround(d);
        // A finite double beyond FLOAT's range does not convert.
        return Number.isFinite(d) && !Number.isFinite(f) ? undefined : jsonDouble(f);
      }
      return jsonDouble(d);
    }
    case 'decimal': {
      const x = src.kind === 'text' ? exactOf(String(v)) : src.kind === 'float' || src.kind === 'double' ? unsupported() : asExact(v, src.kind) ?? unsupported();
      if (!x) return undefined;
      const n = rescale(x, dst.scale!);
      const limit = pow10(dst.precision!);
      return n > -limit && n < limit ? exactToText({ unscaled: n, scale: dst.scale! }) : undefined;
    }
    case 'boolean':
      if (src.kind === 'text') {
        const t = String(v).trim().toLowerCase();
        return TRUE_TEXT.has(t) ? true : FALSE_TEXT.has(t) ? false : undefined;
      }
      if (src.kind === 'boolean') return v;
      if (src.kind === 'int' || src.kind === 'decimal') return asExact(v, src.kind)!.unscaled !== 0n;
      if (src.kind === 'float' || src.kind === 'double') return num() !== 0;
      return unsupported();
    case 'text':
      switch (src.kind) {
        case 'text':
        case 'int':
        case 'decimal':
        case 'date':
        case 'timestamp':
          return String(v);
        case 'boolean':
          return v ? 'true' : 'false';
        case 'float':
        case 'double':
          return formatDouble(num(), src.kind === 'float');
        default:
          return unsupported();
      }
    case 'date': {
      if (src.kind === 'date') return v;
      if (src.kind === 'timestamp') {
        const ts = parseTimestamp(String(v));
        if (ts === undefined) return unsupported();
        if (ts === TS_INF || ts === TS_NINF) return formatDate(ts === TS_INF ? DATE_INF : DATE_NINF);
        return formatDate(splitTimestamp(ts).days);
      }
      if (src.kind === 'text') {
        const d = parseDate(String(v).replace(/^(\s*-?\d+)\/(\d+)\/(\d+)/, '$1-$2-$3'));
        return d === undefined ? undefined : formatDate(d);
      }
      return unsupported();
    }
    case 'timestamp': {
      if (src.kind === 'timestamp') return v;
      if (src.kind === 'date') {
        const d = parseDate(String(v));
        if (d === undefined) return unsupported();
        return formatTimestamp(d === DATE_INF ? TS_INF : d === DATE_NINF ? TS_NINF : BigInt(d) * MICROS_PER_DAY);
      }
      if (src.kind === 'text') {
        const ts = parseTimestamp(String(v).replace(/^(\s*-?\d+)\/(\d+)\/(\d+)/, '$1-$2-$3'));
        return ts === undefined ? undefined : formatTimestamp(ts);
      }
      return unsupported();
    }
    default:
      return unsupported();
  }
}
