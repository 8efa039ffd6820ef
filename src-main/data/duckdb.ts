import { DuckDBInstance, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';

/**
 * The DuckDB side of the data plane. One instance per process; each node run gets a connection
 * of its own (its temp tables stay private). User values always travel as prepared-statement
 * parameters; identifiers and our own file paths go through the quoting helpers below.
 */
export type SqlParams = Record<string, DuckDBValue | readonly string[]>;

/** String arrays become typed VARCHAR lists: DuckDB cannot infer a list parameter's type. */
function bind(params?: SqlParams): [Record<string, DuckDBValue> | undefined, Record<string, DuckDBType> | undefined] {
  if (!params) return [undefined, undefined];
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) {
      values[k] = listValue([...(v as string[])]);
      types[k] = LIST(VARCHAR);
    } else {
      values[k] = v as DuckDBValue;
    }
  }
  return [values, Object.keys(types).length ? types : undefined];
}

export interface DuckSession {
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Rows as JSON-safe values: BIGINT as number when exact, otherwise as string. */
  all(sql: string, params?: SqlParams): Promise<{ columns: ColumnSchema[]; rows: unknown[][] }>;
  objects(sql: string, params?: SqlParams): Promise<Record<string, unknown>[]>;
  /** Whole columns as JS arrays (for numeric data cast to DOUBLE: numbers), column-major. */
  columns(sql: string, params?: SqlParams): Promise<unknown[][]>;
  close(): void;
}

export class DuckDatabase {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(opts: { threads?: number; memoryBytes?: number } = {}): Promise<DuckDatabase> {
    const instance = await DuckDBInstance.create(':memory:', {
      // Never fetch or load code at run time: every format we read is built in.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      ...(opts.threads ? { threads: String(opts.threads) } : {}),
      ...(opts.memoryBytes ? { memory_limit: `${Math.max(256, Math.floor(opts.memoryBytes / 2 ** 20))}MB` } : {}),
    });
    return new DuckDatabase(instance);
  }

  async session(): Promise<DuckSession> {
    return wrap(await this.instance.connect());
  }

  /** A session whose connection opens on first use: some nodes never query DuckDB. */
  lazySession(): DuckSession {
    let inner: Promise<DuckSession> | undefined;
    const get = (): Promise<DuckSession> => (inner ??= this.session());
    return {
      run: async (sql, params) => (await get()).run(sql, params),
      all: async (sql, params) => (await get()).all(sql, params),
      objects: async (sql, params) => (await get()).objects(sql, params),
      columns: async (sql, params) => (await get()).columns(sql, params),
      close: () => void inner?.then((s) => s.close()),
    };
  }

  dispose(): void {
    this.instance.closeSync();
  }
}

function wrap(conn: DuckDBConnection): DuckSession {
  return {
    async run(sql, params) {
      await conn.run(sql, ...bind(params));
    },
    async all(sql, params) {
      const reader = await conn.runAndReadAll(sql, ...bind(params));
      const names = reader.columnNames();
      const types = reader.columnTypes();
      return {
        columns: names.map((name, i) => ({ name, type: String(types[i]) })),
        rows: reader.getRowsJson().map((row) => row.map((v, i) => jsonValue(v, String(types[i])))),
      };
    },
    async objects(sql, params) {
      const { columns, rows } = await this.all(sql, params);
      return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i]])));
    },
    async columns(sql, params) {
      const reader = await conn.runAndReadAll(sql, ...bind(params));
      return reader.getColumnsJS() as unknown[][];
    },
    close() {
      conn.closeSync();
    },
  };
}

const INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

/** DuckDB hands 64-bit integers to JSON as strings; give numbers back when they are exact. */
function jsonValue(v: unknown, type: string): unknown {
  if (typeof v === 'string' && INTEGER_TYPES.has(type)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

/** Quotes an identifier (a column name read from data) for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quotes a file path of our own (artifact store) where DuckDB takes no parameter, as in
 * `COPY ... TO`. Never use it for values typed by the user: pass those as parameters.
 */
export function quoteOwnPath(path: string): string {
  if (path.includes('\u0000')) throw new Error('path contains a NUL byte');
  return `'${path.replace(/'/g, "''")}'`;
}

export async function tableColumns(db: DuckSession, relation: string): Promise<ColumnSchema[]> {
  const rows = await db.objects(`SELECT column_name, column_type FROM (DESCRIBE ${relation})`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}
