import Database from 'better-sqlite3';
import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { quoteIdent } from '../../src-main/data/duckdb.js';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext } from '../../src-main/engine/node-runner.js';
import { checkSourceFile } from '../ingest-csv/source.js';

/**
 * ingest.sqlite: SQLite rows read with better-sqlite3, staged for DuckDB, stored as Parquet.
 *
 * The database is opened read-only. Rows come from better-sqlite3 as arrays, integers as BigInt
 * (so INTEGER and REAL values stay apart and 64-bit integers stay exact); each value is checked
 * against its column's type and staged as text, and DuckDB casts the texts to the column types.
 * No user text ever becomes SQL: table names go through the SQLite quoting below after being
 * checked against sqlite_master, column names through quoteIdent.
 */
type DuckType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BLOB' | 'BOOLEAN';

interface Column {
  readonly name: string;
  /** The type SQLite declares for it (null for an expression). */
  readonly declared: string | null;
  /** The DuckDB type; for an undeclared column, set by its values (and widened when needed). */
  type: DuckType | undefined;
}

/** Rows written to the staging file at a time. */
const CHUNK_ROWS = 10_000;

export const runIngestSqlite: NodeRunFn = async (ctx, _inputs, params) => {
  const path = resolve(ctx.baseDir, String(params.path));
  const name = basename(path);
  await checkSourceFile(path);
  const table = String(params.table ?? '').trim();
  const query = String(params.query ?? '').trim();
  if (table === '' && query === '') throw new NodeError('Set Table or Query');
  if (table !== '' && query !== '') throw new NodeError('Set Table or Query, not both');

  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new NodeError(`${name}: cannot open the database: ${(e as Error).message}`);
  }
  try {
    let tables: { name: string; type: string }[];
    try {
      tables = db.prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").all() as typeof tables;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB') throw new NodeError(`${name} is not a SQLite database`);
      throw new NodeError(`${name}: ${(e as Error).message}`);
    }

    let stmt: Database.Statement;
    let source: string;
    let total: number | undefined;
    if (table !== '') {
      // SQLite names are case-insensitive: an exact match first, then one ignoring case.
      const found = tables.find((t) => t.name === table) ?? tables.find((t) => t.name.toLowerCase() === table.toLowerCase());
      if (!found) {
        const list = tables.map((t) => t.name).join(', ');
        throw new NodeError(`Table: "${table}" is not a table of ${name} (${list ? `its tables: ${list}` : 'it has no tables'})`);
      }
      stmt = db.prepare(`SELECT * FROM ${sqliteIdent(found.name)}`);
      source = `${found.type} "${found.name}"`;
      total = Number((db.prepare(`SELECT count(*) AS n FROM ${sqliteIdent(found.name)}`).get() as { n: number }).n);
    } else {
      stmt = prepareQuery(db, query);
      source = 'the query';
    }
    ctx.progress(0.05, `reading ${source} of ${name}`);
    const out = await copyRows(ctx, stmt, name, source, total);
    ctx.progress(1);
    return { out };
  } finally {
    db.close();
  }
};

/** A double-quoted SQLite identifier. */
function sqliteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Comments and white space before the first keyword. */
const LEADING = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/;

/** The query as a prepared statement, if it is one statement that only reads. */
function prepareQuery(db: Database.Database, query: string): Database.Statement {
  const keyword = /^[A-Za-z]+/.exec(query.replace(LEADING, ''))?.[0].toUpperCase();
  let stmt: Database.Statement;
  try {
    stmt = db.prepare(query);
  } catch (e) {
    const message = (e as Error).message;
    if (/more than one statement/.test(message)) throw new NodeError('Query: only one statement is allowed');
    throw new NodeError(`Query: ${message}`);
  }
  if (!stmt.readonly) throw new NodeError(`Query: ${keyword ?? 'this statement'} would change the database; only SELECT (or WITH ... SELECT) queries can be read`);
  if (!stmt.reader || (keyword !== 'SELECT' && keyword !== 'WITH' && keyword !== 'VALUES')) {
    throw new NodeError(`Query: ${keyword ?? 'this statement'} returns no table; only SELECT (or WITH ... SELECT) queries can be read`);
  }
  return stmt;
}

/** SQLite's type affinity rules (https://sqlite.org/datatype3.html, 3.1), mapped to DuckDB. */
export function duckTypeOf(declared: string | null): DuckType | undefined {
  if (declared === null || declared.trim() === '') return undefined;
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'BIGINT';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'VARCHAR';
  if (t.includes('BLOB')) return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'DOUBLE';
  // NUMERIC affinity: booleans are 0/1 there; SQLite has no date type, so dates stay as stored.
  if (/^BOOL(EAN)?$/.test(t.trim())) return 'BOOLEAN';
  if (/DATE|TIME/.test(t)) return 'VARCHAR';
  return 'DOUBLE';
}

async function copyRows(ctx: RunContext, stmt: Database.Statement, name: string, source: string, total: number | undefined) {
  stmt.raw(true);
  stmt.safeIntegers(true);
  const columns: Column[] = stmt.columns().map((c) => ({ name: c.name, declared: c.type, type: duckTypeOf(c.type) }));
  const seen = new Set<string>();
  for (const c of columns) {
    // DuckDB column names are case-insensitive.
    const key = c.name.toLowerCase();
    if (seen.has(key)) throw new NodeError(`${source} returns two columns named "${c.name}": give them distinct names with AS`);
    seen.add(key);
  }

  // Rows are staged as NDJSON of text values (keys c0, c1...) in the node's temp folder, which
  // DuckDB's reader loads in one go; values bound one by one as parameters are far slower.
  const staging = ctx.tempPath('.ndjson');
  const file = await open(staging, 'w');
  let rows = 0;
  try {
    let chunk: string[] = [];
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      rows++;
      const fields = new Array<string>(columns.length);
      for (let j = 0; j < columns.length; j++) {
        const text = stage(row[j], columns[j], () => `${name}: ${source}, row ${rows}, column "${columns[j].name}"`);
        fields[j] = `"c${j}":${text === null ? 'null' : JSON.stringify(text)}`;
      }
      chunk.push(`{${fields.join(',')}}\n`);
      if (chunk.length >= CHUNK_ROWS) {
        await file.write(chunk.join(''));
        chunk = [];
        if (ctx.signal.aborted) throw new NodeError('cancelled');
        if (total) ctx.progress(0.05 + 0.6 * Math.min(1, rows / total), `${rows.toLocaleString('en-US')} rows`);
      }
    }
    if (chunk.length > 0) await file.write(chunk.join(''));
  } finally {
    await file.close();
  }

  // Each staged text becomes its column's type; columns are named here, from quoted identifiers.
  const typed = columns.map((c, j) => {
    const type = c.type ?? 'VARCHAR';
    const value = c.type === 'BLOB' ? `from_hex(c${j})` : `CAST(c${j} AS ${type})`;
    return `${rows === 0 ? `CAST(NULL AS ${type})` : value} AS ${quoteIdent(c.name)}`;
  });
  const keys = columns.map((_, j) => `c${j}: 'VARCHAR'`).join(', ');
  ctx.progress(0.7, 'writing table');
  if (rows === 0) return writeTable(ctx, `SELECT ${typed.join(', ')} WHERE false`);
  return writeTable(ctx, `SELECT ${typed.join(', ')} FROM read_json($staging, format = 'newline_delimited', columns = {${keys}})`, { staging });
}

/**
 * The text to stage for `v` in column `c` (null for NULL), fixing an undeclared column's type on
 * its first value and widening it when a later value needs (BIGINT -> DOUBLE -> VARCHAR).
 */
function stage(v: unknown, c: Column, where: () => string): string | null {
  if (v === null) return null;
  if (c.type === undefined) c.type = natural(v);
  let text = toText(v, c.type);
  if (text === undefined && c.declared === null) {
    c.type = widen(c.type, v);
    text = toText(v, c.type);
  }
  if (text === undefined) {
    const declared = c.declared === null ? `its first values made it ${c.type}` : `as its declared type ${c.declared} says`;
    throw new NodeError(
      `${where()}: ${describe(v)} is not a ${c.type} value ${declared}. ` +
        `SQLite stores any value in any column; read this one with CAST in a query, e.g. CAST(${sqliteIdent(c.name)} AS TEXT).`,
    );
  }
  return text;
}

function natural(v: unknown): DuckType {
  if (typeof v === 'bigint') return 'BIGINT';
  if (typeof v === 'number') return 'DOUBLE';
  if (Buffer.isBuffer(v)) return 'BLOB';
  return 'VARCHAR';
}

/** A wider type for an undeclared column that also holds `v`: numbers widen to DOUBLE, then to text. */
function widen(type: DuckType, v: unknown): DuckType {
  if (Buffer.isBuffer(v) || type === 'BLOB') return type;
  if (type === 'BIGINT' && typeof v === 'number') return 'DOUBLE';
  return 'VARCHAR';
}

/** The value as text DuckDB casts to `type`, or undefined when it does not fit. */
function toText(v: unknown, type: DuckType): string | undefined {
  switch (type) {
    case 'BIGINT':
      return typeof v === 'bigint' ? v.toString() : undefined;
    case 'DOUBLE':
      return typeof v === 'bigint' || typeof v === 'number' ? String(v) : undefined;
    case 'BOOLEAN':
      return v === 0n || v === 1n ? String(v) : undefined;
    case 'VARCHAR':
      return typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' ? String(v) : undefined;
    case 'BLOB':
      if (Buffer.isBuffer(v)) return v.toString('hex');
      // Text in a BLOB column: its UTF-8 bytes.
      return typeof v === 'string' ? Buffer.from(v, 'utf8').toString('hex') : undefined;
  }
}

function describe(v: unknown): string {
  if (Buffer.isBuffer(v)) return `a BLOB of ${v.length} bytes`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `the ${typeof v === 'bigint' ? 'integer' : 'number'} ${String(v)}`;
}
