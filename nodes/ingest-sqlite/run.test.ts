import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testNode } from '../../src-main/test-nodes/test-engine.js';
import { duckTypeOf } from './run.js';

/**
 * ingest.sqlite through the real engine, on a SQLite database the test writes with better-sqlite3:
 * a table big enough for several batches, a view, loose typing, awkward names.
 */
const ROWS = 60_000;

let bed: NodeTestBed;
let dbPath: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-ingest-sqlite-');

  dbPath = join(bed.home, 'shop.sqlite');
  const db = new Database(dbPath);
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL, active BOOLEAN,
      joined DATE, photo BLOB, amount NUMERIC, big INT8, label VARCHAR(20));
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id), total REAL);
    CREATE VIEW rich AS SELECT id, name, balance FROM customers WHERE balance > 9990;
    CREATE TABLE messy (n INTEGER);
    INSERT INTO messy VALUES (1), (2), ('three'), (4);
    CREATE TABLE loose (v);
    INSERT INTO loose VALUES (1), (2), (2.5), (NULL), ('x');
    CREATE TABLE "odd ""name""; DROP TABLE customers" (x TEXT);
    INSERT INTO "odd ""name""; DROP TABLE customers" VALUES ('kept');
  `);
  const add = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const order = db.prepare('INSERT INTO orders (customer, total) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      add.run(
        i,
        `customer ${i}`,
        i % 10 === 0 ? null : (i % 10_000) + 0.25,
        i % 2,
        `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
        i === 7 ? Buffer.from([0, 255, 16]) : null,
        i % 3,
        i === 1 ? 9_007_199_254_740_993n : BigInt(i),
        i % 5 === 0 ? null : `L${i % 7}`,
      );
      if (i % 100 === 0) order.run(i, i / 100);
    }
  })();
  db.close();
});

afterAll(async () => {
  await bed?.dispose();
});

async function ingest(params: Record<string, unknown>) {
  const record = await bed.engine.runFresh(testDocument([testNode('read', 'ingest.sqlite', { path: 'shop.sqlite', ...params })], []), bed.home);
  return { record, node: record.nodes.get('read')!, events: record.events };
}

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('ingest.sqlite tables', () => {
  it(`reads a table of ${ROWS.toLocaleString('en-US')} rows, with types from SQLite's affinity rules and exact values`, async () => {
    const { node } = await ingest({ table: 'customers' });
    expect(node.error).toBeUndefined();
    const out = node.outputs.out;
    expect(out.rows).toBe(ROWS);
    expect(out.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'balance', type: 'DOUBLE' },
      { name: 'active', type: 'BOOLEAN' },
      { name: 'joined', type: 'VARCHAR' },
      { name: 'photo', type: 'BLOB' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'big', type: 'BIGINT' },
      { name: 'label', type: 'VARCHAR' },
    ]);
    expect(out.meta).toBeUndefined();
    const [agg] = await bed.db.objects(
      `SELECT sum(id)::BIGINT AS ids, count(DISTINCT id)::BIGINT AS distinct_ids, count(balance)::BIGINT AS balances,
         sum(balance)::DOUBLE AS balance, count(*) FILTER (active)::BIGINT AS active, count(photo)::BIGINT AS photos,
         sum(amount)::BIGINT AS amount, count(label)::BIGINT AS labels
       FROM read_parquet($path)`,
      { path: out.path },
    );
    let balance = 0;
    for (let i = 1; i <= ROWS; i++) if (i % 10 !== 0) balance += (i % 10_000) + 0.25;
    expect(agg).toEqual({
      ids: (ROWS * (ROWS + 1)) / 2,
      distinct_ids: ROWS,
      balances: ROWS - ROWS / 10,
      balance,
      active: ROWS / 2,
      photos: 1,
      amount: ROWS, // i % 3 sums to 0 + 1 + 2 per three rows
      labels: ROWS - ROWS / 5,
    });
    const [first] = await bed.db.objects(
      'SELECT big::VARCHAR AS big, hex(photo) AS photo, joined, name FROM read_parquet($path) WHERE id IN (1, 7) ORDER BY id DESC',
      { path: out.path },
    );
    expect(first).toEqual({ big: '7', photo: '00FF10', joined: '2024-01-08', name: 'customer 7' });
    const [one] = await bed.db.objects('SELECT big::VARCHAR AS big FROM read_parquet($path) WHERE id = 1', { path: out.path });
    expect(one.big).toBe('9007199254740993'); // beyond 2^53: exact, never through a JS number
  });

  it('reads a view, and finds a table whatever the case of its name', async () => {
    const view = await ingest({ table: 'rich' });
    expect(view.node.error).toBeUndefined();
    expect(view.node.outputs.out.rows).toBe(54); // balance > 9990: i % 10000 in 9991..9999, not a multiple of 10, six times
    expect((await ingest({ table: 'CUSTOMERS' })).node.outputs.out.rows).toBe(ROWS);
  });

  it('a table name is data, never SQL: a name with quotes and a semicolon is read as the table it names', async () => {
    const before = await sha(dbPath);
    const { node } = await ingest({ table: 'odd "name"; DROP TABLE customers' });
    expect(node.error).toBeUndefined();
    expect(await bed.db.objects('SELECT * FROM read_parquet($path)', { path: node.outputs.out.path })).toEqual([{ x: 'kept' }]);
    expect(await sha(dbPath)).toBe(before);
  });

  it('a missing table fails naming it and the tables there are', async () => {
    const { node } = await ingest({ table: 'clients' });
    expect(node.status).toBe('failed');
    expect(node.error).toBe('Table: "clients" is not a table of shop.sqlite (its tables: customers, loose, messy, odd "name"; DROP TABLE customers, orders, rich)');
  });

  it('a value that does not fit its declared type fails naming the row and column, and a CAST reads it', async () => {
    const { node } = await ingest({ table: 'messy' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(/^shop\.sqlite: table "messy", row 3, column "n": the text "three" is not a BIGINT value as its declared type INTEGER says\. .*CAST\("n" AS TEXT\)/);
    const cast = await ingest({ query: 'SELECT CAST(n AS TEXT) AS n FROM messy' });
    expect(cast.node.error).toBeUndefined();
    expect((await bed.db.objects('SELECT n FROM read_parquet($path)', { path: cast.node.outputs.out.path })).map((r) => r.n)).toEqual(['1', '2', 'three', '4']);
  });

  it('a column without a declared type takes the type its values need', async () => {
    const { node } = await ingest({ table: 'loose' });
    expect(node.error).toBeUndefined();
    expect(node.outputs.out.columns).toEqual([{ name: 'v', type: 'VARCHAR' }]);
    expect((await bed.db.objects('SELECT v FROM read_parquet($path)', { path: node.outputs.out.path })).map((r) => r.v)).toEqual(['1', '2', '2.5', null, 'x']);
    const numbers = await ingest({ query: 'SELECT v FROM loose WHERE typeof(v) IN (\'integer\', \'real\')' });
    expect(numbers.node.outputs.out.columns).toEqual([{ name: 'v', type: 'DOUBLE' }]);
  });
});

describe('ingest.sqlite queries', () => {
  it('reads a WITH ... SELECT with a join and aggregates; expression columns get types from their values', async () => {
    const query = `-- orders per active customer
      WITH big_spenders AS (SELECT customer, sum(total) AS spent, count(*) AS n FROM orders GROUP BY customer)
      SELECT c.id, c.name, b.spent, b.n FROM customers c JOIN big_spenders b ON b.customer = c.id
      WHERE c.active = 0 ORDER BY c.id`;
    const { node } = await ingest({ query });
    expect(node.error).toBeUndefined();
    expect(node.outputs.out.rows).toBe(ROWS / 100);
    expect(node.outputs.out.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'spent', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
    ]);
    const [agg] = await bed.db.objects('SELECT sum(spent)::DOUBLE AS spent, sum(n)::BIGINT AS n FROM read_parquet($path)', { path: node.outputs.out.path });
    expect(agg).toEqual({ spent: ((ROWS / 100) * (ROWS / 100 + 1)) / 2, n: ROWS / 100 });
  });

  it('a query with no rows gives an empty table with its columns', async () => {
    const { node } = await ingest({ query: 'SELECT id, name FROM customers WHERE id < 0' });
    expect(node.error).toBeUndefined();
    expect(node.outputs.out.rows).toBe(0);
    expect(node.outputs.out.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
    ]);
  });

  it.each([
    ['DELETE FROM customers', /^Query: DELETE would change the database; only SELECT/],
    ['DROP TABLE orders', /^Query: DROP would change the database/],
    ['INSERT INTO orders (customer, total) VALUES (1, 1) RETURNING id', /^Query: INSERT would change the database/],
    ['UPDATE customers SET name = \'x\' RETURNING *', /^Query: UPDATE would change the database/],
    ['SELECT 1; DELETE FROM customers', /^Query: only one statement is allowed$/],
    ['PRAGMA table_info(customers)', /^Query: PRAGMA returns no table; only SELECT/],
    ['SELEC * FROM customers', /^Query: near "SELEC": syntax error$/],
  ])('refuses %s, and the database is unchanged', async (query, why) => {
    const before = await sha(dbPath);
    const { node } = await ingest({ query });
    expect(node.status).toBe('failed');
    expect(node.error).toMatch(why);
    expect(await sha(dbPath)).toBe(before);
  });

  it('refuses two columns with one name', async () => {
    const { node } = await ingest({ query: 'SELECT c.id, o.id FROM customers c JOIN orders o ON o.customer = c.id' });
    expect(node.error).toBe('the query returns two columns named "id": give them distinct names with AS');
  });

  it.each([
    [{}, 'Set Table or Query'],
    [{ table: 'customers', query: 'SELECT 1' }, 'Set Table or Query, not both'],
  ])('checks %j before running', async (params, message) => {
    const { node, record, events } = await ingest(params);
    expect(record.status).toBe('failed');
    expect(node).toBeUndefined();
    expect(events.flatMap((e) => (e.event === 'log' ? [e.message] : [])).join('\n')).toContain(message);
  });
});

describe('ingest.sqlite files', () => {
  it('a file that is not a database fails saying so', async () => {
    await writeFile(join(bed.home, 'notes.sqlite'), 'just some text, not a database\n'.repeat(100));
    const { node } = await ingest({ path: 'notes.sqlite', table: 'customers' });
    expect(node.error).toBe('notes.sqlite is not a SQLite database');
  });

  it('a missing or empty file fails before opening it', async () => {
    expect((await ingest({ path: 'none.sqlite', table: 't' })).node.error).toBe(`file not found: ${join(bed.home, 'none.sqlite')}`);
    await writeFile(join(bed.home, 'empty.sqlite'), '');
    expect((await ingest({ path: 'empty.sqlite', table: 't' })).node.error).toBe('empty.sqlite is empty');
  });

  it('maps declared types by SQLite\'s affinity rules', () => {
    expect(
      ['INTEGER', 'BIGINT', 'UNSIGNED BIG INT', 'VARCHAR(255)', 'NCHAR(5)', 'CLOB', 'TEXT', 'BLOB', 'REAL', 'DOUBLE PRECISION', 'FLOAT', 'NUMERIC', 'DECIMAL(10,5)', 'BOOLEAN', 'DATE', 'DATETIME', '', null].map(duckTypeOf),
    ).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'BLOB', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'VARCHAR', undefined, undefined]);
  });
});
