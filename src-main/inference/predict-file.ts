import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { OnnxSignature, PlumbInputColumn, PlumbModelInfo } from '../../src-shared/api/contract.js';
import { DuckDatabase, quoteIdent, type DuckSession } from '../data/duckdb.js';
import { errorMessage, InferenceError } from './errors.js';
import { columnFeedSpecs, feedsFromColumns, predictionColumns, type ColumnFeedSpec, type PredictionColumns, type RawValue } from './predict-rows.js';
import { runSession, SessionCache, type LoadedModel } from './sessions.js';
import { tensorToOutput } from './tensors.js';

/**
 * Batch prediction of a CSV file: DuckDB reads it (every value as text, so a bad value is ours
 * to report with its line), rows go through the model in chunks, and the output CSV (the input
 * columns + the predictions) is written under a temp name and renamed when complete. Shared by
 * the playground, `plumb predict` and the deploy.batch_predict node.
 */
export interface PredictFileOptions {
  /** The .onnx file. */
  readonly model: string;
  /** The CSV to predict (header row required). */
  readonly input: string;
  /** The CSV to write; replaced atomically once every row is predicted. */
  readonly out: string;
  /** Rows per session.run (default 10,000). */
  readonly chunkRows?: number;
  readonly onProgress?: (p: { rows: number; totalRows: number }) => void;
  readonly signal?: AbortSignal;
  /** Strings read as missing values (default: the empty string and NA, as ingest.csv). */
  readonly nullValues?: readonly string[];
  /** A DuckDB session to read with (a node's ctx.db); default: a private in-memory database. */
  readonly db?: DuckSession;
  /** The session cache to use; default: one for this call, released at the end. */
  readonly sessions?: SessionCache;
}

export interface PredictFileResult {
  readonly rows: number;
  readonly out: string;
  /** The columns added after the input's. */
  readonly predictionColumns: readonly string[];
}

const DEFAULT_CHUNK = 10_000;

export async function predictFile(opts: PredictFileOptions): Promise<PredictFileResult> {
  const input = resolve(opts.input);
  const out = resolve(opts.out);
  const inputReal = await realpath(input).catch(() => {
    throw new InferenceError('not-found', `${input}: no such file`);
  });
  if ((await realpath(out).catch(() => out)) === inputReal) {
    throw new InferenceError('bad-input', `${out}: the output would overwrite the input file; choose another name`);
  }
  if (!(await stat(dirname(out)).catch(() => null))?.isDirectory()) {
    throw new InferenceError('not-found', `${out}: the folder ${dirname(out)} does not exist`);
  }
  const cache = opts.sessions ?? new SessionCache({ maxSessions: 1 });
  let ownDb: DuckDatabase | undefined;
  let db = opts.db;
  try {
    if (!db) {
      ownDb = await DuckDatabase.open({ threads: 1 });
      db = await ownDb.session();
    }
    const session = db;
    return await cache.use(opts.model, (model) => predictWith(model, session, { ...opts, input: inputReal, out }));
  } finally {
    if (!opts.db) db?.close();
    ownDb?.dispose();
    if (!opts.sessions) await cache.dispose();
  }
}

async function predictWith(model: LoadedModel, db: DuckSession, opts: PredictFileOptions & { input: string; out: string }): Promise<PredictFileResult> {
  const { signature } = model;
  const plumb = signature.plumb ?? foreignColumns(signature);
  const specs = columnFeedSpecs(signature, plumb);
  const table = quoteIdent(`plumb_predict_${randomUUID().replace(/-/g, '')}`);
  const name = basename(opts.input);
  try {
    await loadCsv(db, table, opts.input);
    const header = (await db.objects(`SELECT column_name FROM (DESCRIBE ${table})`)).map((r) => String(r.column_name));
    const missing = specs.filter((s) => !header.includes(s.column.name)).map((s) => s.column.name);
    if (missing.length) {
      const hint = missing.map((m) => header.find((h) => h.toLowerCase() === m.toLowerCase())).filter(Boolean);
      throw new InferenceError(
        'bad-csv',
        `${name} has no column ${missing.map((m) => `"${m}"`).join(', ')} (the model needs ${specs.map((s) => s.column.name).join(', ')}${hint.length ? `; names match case-sensitively: found ${hint.join(', ')}` : ''})`,
      );
    }
    const [{ n }] = await db.objects(`SELECT count(*)::BIGINT AS n FROM ${table}`);
    const totalRows = Number(n);
    return await writePredictions({ model, db, table, header, specs, plumb, totalRows, opts, name });
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

async function loadCsv(db: DuckSession, table: string, path: string): Promise<void> {
  for (const t of ['reject_errors', 'reject_scans']) await db.run(`DROP TABLE IF EXISTS ${t}`);
  try {
    // TEMP: private to this connection and gone with it; rowid then numbers the rows in file order.
    // All text, so the output repeats the input's values as written; missing-value markers are ours to apply.
    await db.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM read_csv($path, header = true, all_varchar = true, store_rejects = true)`, { path });
  } catch (e) {
    throw new InferenceError('bad-csv', `${basename(path)}: cannot read it as CSV: ${errorMessage(e).split('\n')[0]}`);
  }
  const rejects = await db.objects('SELECT line::BIGINT AS line, error_message FROM reject_errors ORDER BY line LIMIT 3');
  if (rejects.length) {
    const [{ n }] = await db.objects('SELECT count(DISTINCT line)::BIGINT AS n FROM reject_errors');
    const named = rejects.map((r) => `line ${r.line}: ${String(r.error_message)}`).join('; ');
    throw new InferenceError('bad-csv', `${basename(path)}: ${n} malformed row(s) (${named}); fix the file and predict again`);
  }
}

/** A foreign model fed from a CSV: one column per input, named as the input, one value per row. */
function foreignColumns(signature: OnnxSignature): PlumbModelInfo {
  const inputs: PlumbInputColumn[] = signature.inputs
    .filter((i) => !i.optional)
    .map((i) => {
      const perRow = i.kind === 'tensor' && i.shape !== null && (i.shape.length === 1 || (i.shape.length === 2 && i.shape[1] === 1));
      if (!perRow) {
        throw new InferenceError(
          'unsupported',
          `${signature.path}: input "${i.name}" is not one value per row (shape ${JSON.stringify(i.shape)}); batch prediction of a CSV needs inputs of shape [N] or [N, 1], one per column`,
        );
      }
      const type = i.elementType === 'string' ? 'text' : i.elementType === 'bool' ? 'boolean' : 'number';
      return { name: i.name, type };
    });
  return { inputs, task: null, classes: null, target: null, estimator: null };
}

interface WriteJob {
  model: LoadedModel;
  db: DuckSession;
  table: string;
  header: string[];
  specs: ColumnFeedSpec[];
  plumb: PlumbModelInfo;
  totalRows: number;
  opts: PredictFileOptions & { input: string; out: string };
  name: string;
}

async function writePredictions(job: WriteJob): Promise<PredictFileResult> {
  const { model, db, table, header, specs, plumb, totalRows, opts, name } = job;
  const chunk = Math.max(1, opts.chunkRows ?? DEFAULT_CHUNK);
  const nulls = new Set(opts.nullValues ?? ['', 'NA']);
  const tmp = join(dirname(opts.out), `.${basename(opts.out)}.${randomUUID().slice(0, 8)}.tmp`);
  const stream = createWriteStream(tmp, { encoding: 'utf8' });
  const streamFailed = new Promise<never>((_, reject) => stream.once('error', reject));
  streamFailed.catch(() => undefined);
  let predCols: string[] | undefined;
  let done = 0;
  try {
    const selectList = header.map(quoteIdent).join(', ');
    for (let start = 0; start < totalRows || (start === 0 && predCols === undefined); start += chunk) {
      if (opts.signal?.aborted) throw new InferenceError('aborted', `prediction of ${name} was cancelled after ${done} rows`);
      const columns = await db.columns(`SELECT ${selectList} FROM ${table} WHERE rowid >= $lo AND rowid < $hi ORDER BY rowid`, { lo: start, hi: start + chunk });
      const n = columns[0]?.length ?? 0;
      const values: Record<string, RawValue[]> = {};
      for (const spec of specs) {
        const col = columns[header.indexOf(spec.column.name)] as (string | null)[];
        values[spec.column.name] = col.map((v) => (v === null || nulls.has(v) ? null : v));
      }
      // A header line precedes the data and rowid counts from 0, so row i of the chunk is on line start + i + 2.
      const where = (i: number): string => `${name} line ${start + i + 2}`;
      let preds: Predictions | null = null;
      if (n > 0) {
        const feeds = feedsFromColumns(model.signature, specs, values, n, where);
        const outputs = await runSession(model, feeds);
        preds = model.signature.plumb ? { plumb: predictionColumns(outputs, plumb, n, model.path) } : { outputs };
      }
      if (predCols === undefined) {
        predCols = predictionNames(header, preds?.plumb ?? null, model.signature);
        await write(stream, csvLine([...header, ...predCols]), streamFailed);
      }
      if (n > 0 && preds) await write(stream, chunkCsv(columns, n, preds, model.signature, predCols.length, where), streamFailed);
      done += n;
      opts.onProgress?.({ rows: done, totalRows });
      if (n === 0) break;
    }
    await new Promise<void>((ok, fail) => stream.end((e?: Error | null) => (e ? fail(e) : ok())));
    await rename(tmp, opts.out);
    return { rows: done, out: opts.out, predictionColumns: predCols ?? [] };
  } catch (e) {
    stream.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}

function write(stream: WriteStream, text: string, failed: Promise<never>): Promise<void> {
  if (stream.write(text)) return Promise.resolve();
  return Promise.race([new Promise<void>((ok) => stream.once('drain', ok)), failed]);
}

/** A chunk's predictions: read with the plumb.* metadata, or a foreign model's raw outputs. */
type Predictions = { plumb: PredictionColumns; outputs?: undefined } | { outputs: ort.InferenceSession.ReturnType; plumb?: undefined };

/** Prediction column names that never collide with an input column. */
function predictionNames(header: readonly string[], preds: PredictionColumns | null, signature: OnnxSignature): string[] {
  const taken = new Set(header);
  const unique = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  if (signature.plumb) {
    const target = signature.plumb.target;
    const base = target ? `predicted_${target}` : 'prediction';
    if (signature.plumb.task === 'regression' || preds?.value) return [unique(base)];
    const classes = preds?.probabilities?.classes ?? signature.plumb.classes ?? [];
    const hasProba = signature.outputs.some((o) => o.name === 'probabilities');
    return [unique(base), ...(hasProba ? classes.map((c) => unique(`p_${c}`)) : [])];
  }
  // Foreign: one column per output value per row.
  return signature.outputs.flatMap((o) => {
    const width = o.shape && o.shape.length === 2 && typeof o.shape[1] === 'number' ? o.shape[1] : 1;
    return width === 1 ? [unique(o.name)] : Array.from({ length: width }, (_, j) => unique(`${o.name}_${j}`));
  });
}

function chunkCsv(
  columns: unknown[][],
  n: number,
  preds: Predictions,
  signature: OnnxSignature,
  width: number,
  where: (i: number) => string,
): string {
  const extra: ((i: number) => string)[] = [];
  if (preds.plumb) {
    const p = preds.plumb;
    if (p.value) extra.push((i) => num(p.value?.[i] ?? NaN));
    else {
      extra.push((i) => csvField(p.label?.[i] ?? null));
      for (const col of p.probabilities?.values ?? []) extra.push((i) => num(col[i]));
    }
  } else {
    for (const o of signature.outputs) {
      const t = preds.outputs[o.name];
      if (!t) continue;
      const perRow = t.dims[0] === n ? t.size / n : NaN;
      if (!Number.isInteger(perRow)) throw new InferenceError('bad-model', `${signature.path}: output "${o.name}" has shape [${t.dims.join(', ')}], not one row per input row`);
      const data = tensorToOutput(t).data;
      for (let j = 0; j < perRow; j++) extra.push((i) => csvField(data[i * perRow + j] ?? null));
    }
  }
  if (extra.length !== width) throw new InferenceError('bad-model', `${signature.path}: the outputs give ${extra.length} values per row, expected ${width} (${where(0)})`);
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const fields: string[] = [];
    for (const col of columns) fields.push(csvField(col[i] as string | null));
    for (const f of extra) fields.push(f(i));
    lines[i] = fields.join(',');
  }
  return lines.join('\n') + '\n';
}

const num = (x: number): string => (Number.isFinite(x) ? String(x) : '');

const NEEDS_QUOTES = /[",\n\r]|^\s|\s$/;

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(',') + '\n';
