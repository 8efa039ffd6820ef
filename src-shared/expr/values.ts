/**
 * Values as DuckDB holds them, for evaluating an expression (or a cast) on one row in
 * TypeScript: dates as days since 1970-01-01 and timestamps as microseconds (a bigint, since
 * they pass 2^53), with DuckDB's infinities as the same sentinels; text compared by code point
 * (UTF-8 byte order); case mapping per code point as utf8proc does it. Also the JSON spelling of
 * each value, as `DuckSession.objects` reads a table (dates and timestamps as text, 64-bit integers
 * as numbers when exact and text otherwise, NaN and the infinities as text).
 */

export class ExprEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprEvalError';
  }
}

export const MICROS_PER_DAY = 86_400_000_000n;
/** DuckDB's `infinity` and `-infinity` dates (days) and timestamps (microseconds). */
export const DATE_INF = 2_147_483_647;
export const DATE_NINF = -2_147_483_647;
export const TS_INF = 9_223_372_036_854_775_807n;
export const TS_NINF = -9_223_372_036_854_775_807n;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Days since 1970-01-01 of a proleptic Gregorian date (year 0 is 1 BC), as DuckDB counts them. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const DATE_TEXT = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})(?:\s*\((BC)\))?\s*$/i;
const TIMESTAMP_TEXT = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(?:\((BC)\))?\s*$/i;

/** A year as written (`0044` with `(BC)` is year -43, as DuckDB counts). */
const yearOf = (text: string, bc: string | undefined): number => (bc ? 1 - Number(text) : Number(text));

/** A DATE from its text (`2020-01-31`, `0044-03-15 (BC)`, `infinity`), or undefined when it is not one. */
export function parseDate(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'infinity') return DATE_INF;
  if (t === '-infinity') return DATE_NINF;
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [yearOf(m[1], m[4]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** A TIMESTAMP (microseconds) from its text; a date alone is midnight; digits past microseconds are cut. */
export function parseTimestamp(text: string): bigint | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'infinity') return TS_INF;
  if (t === '-infinity') return TS_NINF;
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [yearOf(m[1], m[8]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const [h, min, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const micros = BigInt(((m[7] ?? '') + '000000').slice(0, 6));
  return BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY + BigInt(h * 3600 + min * 60 + s) * 1_000_000n + micros;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatYmd(days: number): string {
  const { year, month, day } = civilFromDays(days);
  // DuckDB marks years before 0 as BC (year -43 is 0044 BC) and prints year 0 as 0000.
  const bc = year < 0;
  return `${pad(bc ? 1 - year : year, 4)}-${pad(month, 2)}-${pad(day, 2)}${bc ? ' (BC)' : ''}`;
}

/** A DATE as DuckDB prints it. */
export function formatDate(days: number): string {
  if (days === DATE_INF) return 'infinity';
  if (days === DATE_NINF) return '-infinity';
  return formatYmd(days);
}

/** The microseconds of the day as `hh:mm:ss[.ffffff]` (trailing zeros of the fraction dropped). */
export function formatTimeOfDay(micros: bigint): string {
  const secs = Number(micros / 1_000_000n);
  const frac = Number(micros % 1_000_000n);
  const text = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return frac === 0 ? text : `${text}.${pad(frac, 6).replace(/0+$/, '')}`;
}

/** A TIMESTAMP as DuckDB prints it (`2020-01-02 03:04:05.123`). */
export function formatTimestamp(micros: bigint): string {
  if (micros === TS_INF) return 'infinity';
  if (micros === TS_NINF) return '-infinity';
  const { days, timeOfDay } = splitTimestamp(micros);
  // DuckDB writes the era after the date: `0044-03-15 (BC) 00:00:00`.
  return `${formatYmd(days)} ${formatTimeOfDay(timeOfDay)}`;
}

export function splitTimestamp(micros: bigint): { days: number; timeOfDay: bigint } {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY;
  }
  return { days: Number(days), timeOfDay: rest };
}

/** Compares text as DuckDB does: by UTF-8 bytes, which is code point order (not UTF-16 order). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Compares doubles as DuckDB does: NaN equals NaN and sorts above everything, -0 equals 0. */
export function compareDouble(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where utf8proc's simple case mapping (DuckDB's upper/lower) differs from mapping each code point
 * with JavaScript: full mappings that are several code points (kept as they are, or the simple
 * one), and code points newer than utf8proc's Unicode tables (kept as they are). Found by
 * comparing every code point with DuckDB 1.5's upper() and lower().
 */
const UPPER_EXCEPTIONS = new Map<number, number>([
  [0xdf, 0x1e9e],
  ...[0x1f80, 0x1f90, 0x1fa0].flatMap((base) => Array.from({ length: 8 }, (_, i): [number, number] => [base + i, base + i + 8])),
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);
const LOWER_EXCEPTIONS = new Map<number, number>([[0x130, 0x69]]);
/** Code points utf8proc's tables do not know (Unicode 16 additions): DuckDB leaves them as they are. */
const UNMAPPED = [
  [0x19b, 0x19b],
  [0x264, 0x264],
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7dc],
  [0x10d50, 0x10d85],
  [0x16ea0, 0x16ed3],
] as const;

function caseMap(text: string, upper: boolean): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // DuckDB's case functions drop a byte order mark.
    if (cp === 0xfeff) continue;
    if (cp < 0x80) {
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
      continue;
    }
    const exception = (upper ? UPPER_EXCEPTIONS : LOWER_EXCEPTIONS).get(cp);
    if (exception !== undefined) {
      out += String.fromCodePoint(exception);
      continue;
    }
    if (UNMAPPED.some(([lo, hi]) => cp >= lo && cp <= hi)) {
      out += ch;
      continue;
    }
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    // A full mapping of several code points (ß -> SS) has no simple counterpart: unchanged.
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

export const upperText = (text: string): string => caseMap(text, true);
export const lowerText = (text: string): string => caseMap(text, false);

/** A 64-bit integer as `objects()` reads it: a number when exact, otherwise its digits. */
export function bigintJson(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/** A double as `objects()` reads it: NaN and the infinities as text. */
export function doubleJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
