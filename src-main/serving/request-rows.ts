import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { PlumbModelInfo } from '../../src-shared/api/contract.js';
import { CsvQuoteError, parseCsvText } from '../../src-shared/csv/parse-csv.js';
import { toBool, toFloat } from '../inference/tensors.js';
import type { RawValue } from '../inference/predict-rows.js';

/**
 * A /predict body -> rows: JSON `{"rows": [{column: value}], "key"?: string}` or a CSV with a
 * header line; then every row checked against the model's `plumb.inputs`, all problems at once
 * (`{row, column, message}`, row counted from 0 as in the request's array / the CSV's data lines).
 */

export const DEFAULT_MAX_BODY_BYTES = 2 ** 20;
export const MAX_ROWS = 10_000;

/** A refused request: its HTTP status and what to tell the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: readonly RowError[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

export type Row = Readonly<Record<string, RawValue>>;

/** Reads the whole body, refusing (413) past `maxBytes` without buffering the excess. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume(); // discard it, so the client reads our answer instead of a reset
    return Promise.reject(new HttpError(413, `the body is ${declared} bytes; the limit is ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(new HttpError(413, `the body is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!refused) reject(e);
    });
  });
}

// The envelope is checked by zod; each row's values by checkRowShapes below (a zod record of
// unions costs ~20 µs per row, the hand check ~1: it is on every request's path).
export const PredictBody = z.object({
  rows: z.array(z.unknown()).min(1).max(MAX_ROWS),
  key: z.string().max(256).optional(),
});

function checkRowShapes(rows: readonly unknown[]): Row[] {
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new HttpError(400, `rows.${i}: a row is an object {column: value, ...}, not ${Array.isArray(row) ? 'an array' : JSON.stringify(row)}`);
    }
    for (const [k, v] of Object.entries(row)) {
      if (v !== null && typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
        throw new HttpError(400, `rows.${i}.${k}: a value is a number, text, true/false or null, not ${Array.isArray(v) ? 'an array' : 'an object'}`);
      }
    }
  });
  return rows as Row[];
}

export interface ParsedRequest {
  readonly rows: Row[];
  readonly key: string | null;
  /** A CSV's columns the model does not take are ignored (as `plumb predict` does); JSON's are refused. */
  readonly format: 'json' | 'csv';
}

/** The body by its content type: application/json or text/csv. */
export function parsePredictBody(body: Buffer, contentType: string | undefined): ParsedRequest {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'text/csv') return { rows: csvRows(text), key: null, format: 'csv' };
  if (type !== 'application/json' && type !== '') {
    throw new HttpError(415, `content type "${type}" is not accepted: send application/json ({"rows": [...]}) or text/csv`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = PredictBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'the body';
    throw new HttpError(400, `${where}: ${issue.message} (expected {"rows": [{column: value, ...}], "key"?: string} with 1 to ${MAX_ROWS} rows)`);
  }
  return { rows: checkRowShapes(parsed.data.rows), key: parsed.data.key ?? null, format: 'json' };
}

/** CSV with a header line; "" and NA are missing values, as `plumb predict` reads them. */
export function csvRows(text: string): Row[] {
  const records = parseCsv(text);
  if (records.length < 2) throw new HttpError(400, 'the CSV body needs a header line and at least one data line');
  const [header, ...data] = records;
  if (data.length > MAX_ROWS) throw new HttpError(400, `the CSV body has ${data.length} rows; the limit is ${MAX_ROWS}`);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new HttpError(400, `the CSV header names "${h}" twice`);
    seen.add(h);
  }
  return data.map((fields, i) => {
    if (fields.length !== header.length) throw new HttpError(400, `CSV data line ${i + 1} has ${fields.length} fields; the header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, fields[j] === '' || fields[j] === 'NA' ? null : fields[j]]));
  });
}

/** A CSV request body (RFC 4180; src-shared/csv/parse-csv.ts). */
export function parseCsv(text: string): string[][] {
  try {
    return parseCsvText(text);
  } catch (e) {
    if (e instanceof CsvQuoteError) throw new HttpError(400, `the CSV body ends inside a quoted field (it opens on line ${e.line})`);
    throw e;
  }
}

/**
 * Every row against the model's columns: unknown columns, missing values the model does not
 * impute, and values of the wrong type. The same rules as the inference layer's feeds
 * (predict-rows.ts), so a row that passes here feeds the model.
 */
export function checkRows(plumb: PlumbModelInfo, rows: readonly Row[]): RowError[] {
  const errors: RowError[] = [];
  const known = new Set(plumb.inputs.map((c) => c.name));
  rows.forEach((row, i) => {
    for (const k of Object.keys(row)) {
      if (!known.has(k)) errors.push({ row: i, column: k, message: `unknown column "${k}" (the model's columns: ${[...known].join(', ')})` });
    }
    for (const c of plumb.inputs) {
      const v = row[c.name];
      // An absent column is a client's mistake more often than a missing value: null says "missing".
      if (v === undefined) {
        errors.push({ row: i, column: c.name, message: `column "${c.name}" is absent (send null for a missing value)` });
        continue;
      }
      if (v === null || (typeof v === 'string' && v === '' && c.type !== 'text')) {
        if (c.imputed === false) errors.push({ row: i, column: c.name, message: `"${c.name}" is missing and the model does not impute it` });
        continue;
      }
      if (c.type === 'number') {
        const x = toFloat(v);
        if (x === null || typeof v === 'boolean') errors.push({ row: i, column: c.name, message: `"${c.name}" is ${JSON.stringify(v)}, not a number` });
      } else if (c.type === 'boolean') {
        if (toBool(v) === null) errors.push({ row: i, column: c.name, message: `"${c.name}" is ${JSON.stringify(v)}, not true or false` });
      }
    }
  });
  return errors;
}

/** A row as the prediction log keeps it: numbers as numbers, booleans as booleans, so drift reads typed columns. */
export function typedRow(plumb: PlumbModelInfo, row: Row): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const c of plumb.inputs) {
    const v = row[c.name];
    if (v === null || v === undefined) out[c.name] = null;
    else if (c.type === 'number') {
      const x = toFloat(v);
      out[c.name] = x === null || !Number.isFinite(x) ? null : x;
    } else if (c.type === 'boolean') out[c.name] = toBool(v);
    else out[c.name] = typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}
