import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath } from '../../src-main/data/duckdb.js';
import type { ArtifactRecord } from '../../src-main/lineage/types.js';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { featureJoinSpec, keyType, planJoin } from './spec.js';

/**
 * feature.join through the real engine (worker pool, DuckDB, artifact and lineage stores in a
 * fresh temp home). Inputs are CSV files written by DuckDB in a temp folder from the shipped
 * samples and the flights fixture, read with ingest.csv.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TELCO = join(ROOT, 'samples', 'telco_churn.csv');
const FLIGHTS = join(ROOT, 'test-fixtures', 'flights-100k.parquet');

let bed: NodeTestBed;
let data: string;

/** Writes `select` (our own SQL over our own files) to data/<name>.csv. */
async function csv(name: string, select: string): Promise<void> {
  await bed.db.run(`COPY (${select}) TO ${quoteOwnPath(join(data, `${name}.csv`))} (HEADER)`);
}
const csvPath = (name: string) => quoteOwnPath(join(data, `${name}.csv`));

const TELCO_LEFT = ['churn', 'female', 'senior_citizen', 'partner', 'dependents', 'tenure', 'phone_service', 'multiple_lines', 'internet_service', 'online_security'];

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-join-');
  ({ data } = bed);
  // telco with a customer id (its line number), then split by columns in two files, the right
  // one in another row order.
  await csv('telco', `SELECT row_number() OVER () AS customer_id, * FROM read_csv(${quoteOwnPath(TELCO)})`);
  await csv('telco_left', `SELECT customer_id, ${TELCO_LEFT.join(', ')} FROM read_csv(${csvPath('telco')}) ORDER BY customer_id`);
  await csv('telco_right', `SELECT * EXCLUDE (${TELCO_LEFT.join(', ')}) FROM read_csv(${csvPath('telco')}) ORDER BY md5(customer_id::VARCHAR)`);
  await csv('flights', `SELECT file_row_number AS row_id, * FROM read_parquet(${quoteOwnPath(FLIGHTS)})`);
});

afterAll(async () => {
  await bed?.dispose();
});

interface JoinResult {
  readonly record: FreshRun;
  readonly status?: string;
  readonly error?: string;
  readonly out: ArtifactRecord;
  readonly logs: { level: string; message: string }[];
}

/** left and right (ingest.csv, the left one through test.fit when asked) -> join, run fresh. */
async function runJoin(left: string, right: string, params: Record<string, unknown>, opts: { fit?: boolean } = {}): Promise<JoinResult> {
  const nodes = [
    testNode('l', 'ingest.csv', { path: `${left}.csv` }),
    testNode('r', 'ingest.csv', { path: `${right}.csv` }),
    testNode('join', 'feature.join', params),
  ];
  const edges = [testEdge('r', 'join', 'right')];
  if (opts.fit) {
    nodes.push(testNode('fit', 'test.fit', { step: 'scale' }));
    edges.push(testEdge('l', 'fit', 'in'), testEdge('fit', 'join', 'left'));
  } else {
    edges.push(testEdge('l', 'join', 'left'));
  }
  const record = await bed.engine.runFresh(testDocument(nodes, edges), data);
  const node = record.nodes.get('join');
  const logs = record.events.flatMap((e) => (e.event === 'log' ? [{ level: e.level, message: e.message }] : []));
  return { record, status: node?.status, error: node?.error, out: node?.outputs.out as ArtifactRecord, logs };
}

const messages = (r: JoinResult, level?: string) => r.logs.filter((l) => !level || l.level === level).map((l) => l.message);

async function rows(a: ArtifactRecord, select = '*', order = ''): Promise<Record<string, unknown>[]> {
  return bed.db.objects(`SELECT ${select} FROM read_parquet($p) ${order}`, { p: a.path });
}

async function scalar(sql: string, params: Record<string, string>): Promise<number> {
  const [row] = await bed.db.all(sql, params).then((r) => r.rows);
  return Number(row[0]);
}

describe('inner, left and full joins', () => {
  it('telco split by columns and joined back on customer_id is the original table, row for row', async () => {
    const r = await runJoin('telco_left', 'telco_right', { on: ['customer_id'] }, { fit: true });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const whole = await bed.engine.runFresh(testDocument([testNode('read', 'ingest.csv', { path: 'telco.csv' })], []), data);
    const original = whole.nodes.get('read')!.outputs.out;
    expect(r.out.rows).toBe(7043);
    expect(r.out.columns).toEqual(original.columns);
    const p = { a: r.out.path, b: original.path };
    expect(await scalar('SELECT count(*) FROM (SELECT * FROM read_parquet($a) EXCEPT ALL SELECT * FROM read_parquet($b))', p)).toBe(0);
    expect(await scalar('SELECT count(*) FROM (SELECT * FROM read_parquet($b) EXCEPT ALL SELECT * FROM read_parquet($a))', p)).toBe(0);
    // In the left table's order, although the right one was shuffled.
    const ids = (await rows(r.out, 'customer_id')).map((x) => x.customer_id);
    expect(ids).toEqual(Array.from({ length: 7043 }, (_, i) => i + 1));
    // A join starts a new table: the chain of the left input does not pass.
    expect(r.out.meta).toBeUndefined();
    expect(messages(r, 'info')).toContain('inner join on customer_id: 7043 rows out; unmatched: 0 of 7043 left rows, 0 of 7043 right rows');
    expect(messages(r, 'warn')).toEqual([]);
  });

  it('without on, joins on the columns both sides share (as pandas merge)', async () => {
    const r = await runJoin('telco_left', 'telco_right', {});
    expect(r.out.rows).toBe(7043);
    expect(messages(r, 'info')).toContain('inner join on customer_id: 7043 rows out; unmatched: 0 of 7043 left rows, 0 of 7043 right rows');
  });

  describe('with rows missing on each side', () => {
    beforeAll(async () => {
      // Right: customers not divisible by 3, plus five customers the left table does not have.
      await csv(
        'telco_some',
        `SELECT * FROM read_csv(${csvPath('telco_right')}) WHERE customer_id % 3 <> 0
         UNION ALL SELECT 10000 + i, r.* EXCLUDE (customer_id) FROM read_csv(${csvPath('telco_right')}) r, range(1, 6) t(i) WHERE r.customer_id = 1`,
      );
    });
    const leftMissing = 2347; // multiples of 3 up to 7043
    const rightRows = 7043 - leftMissing + 5;

    it('inner keeps the matched rows and warns with the counts dropped on each side', async () => {
      const r = await runJoin('telco_left', 'telco_some', { on: ['customer_id'], how: 'inner' });
      expect(r.out.rows).toBe(7043 - leftMissing);
      expect(messages(r, 'warn')).toEqual([
        `inner join on customer_id: ${7043 - leftMissing} rows out; unmatched: ${leftMissing} of 7043 left rows, 5 of ${rightRows} right rows, dropped by the inner join`,
      ]);
      expect(await scalar('SELECT count(*) FROM read_parquet($p) WHERE customer_id % 3 = 0 OR customer_id > 10000', { p: r.out.path })).toBe(0);
    });

    it('left keeps every left row, with empty right columns where nothing matched', async () => {
      const r = await runJoin('telco_left', 'telco_some', { on: ['customer_id'], how: 'left' });
      expect(r.out.rows).toBe(7043);
      expect(await scalar('SELECT count(*) FROM read_parquet($p) WHERE contract IS NULL', { p: r.out.path })).toBe(leftMissing);
      expect(await scalar('SELECT count(*) FROM read_parquet($p) WHERE contract IS NULL AND customer_id % 3 <> 0', { p: r.out.path })).toBe(0);
      expect(messages(r, 'info')).toContain(`left join on customer_id: 7043 rows out; unmatched: ${leftMissing} of 7043 left rows, 5 of ${rightRows} right rows`);
    });

    it('full keeps every row of both, the key merged, right-only rows last', async () => {
      const r = await runJoin('telco_left', 'telco_some', { on: ['customer_id'], how: 'full' });
      expect(r.out.rows).toBe(7043 + 5);
      const tail = await rows(r.out, 'customer_id, churn, contract');
      expect(tail.slice(0, 7043).map((x) => x.customer_id)).toEqual(Array.from({ length: 7043 }, (_, i) => i + 1));
      expect(tail.slice(7043)).toEqual([10001, 10002, 10003, 10004, 10005].map((id) => ({ customer_id: id, churn: null, contract: 'Month-to-month' })));
    });
  });

  it('left_on / right_on pair differently named keys; number types are compatible (BIGINT with DOUBLE)', async () => {
    await csv('plans', `SELECT (customer_id * 1.0)::DOUBLE AS account, contract AS plan FROM read_csv(${csvPath('telco_right')}) WHERE customer_id <= 100`);
    const inner = await runJoin('telco_left', 'plans', { left_on: ['customer_id'], right_on: ['account'], how: 'inner' });
    expect(inner.error).toBeUndefined();
    expect(inner.out.rows).toBe(100);
    expect(inner.out.columns?.map((c) => c.name)).toEqual(['customer_id', ...TELCO_LEFT, 'plan']);
    expect(inner.out.columns?.[0]).toEqual({ name: 'customer_id', type: 'BIGINT' });
    // In a full join the merged key takes the type both compare as.
    const full = await runJoin('telco_left', 'plans', { left_on: ['customer_id'], right_on: ['account'], how: 'full' });
    expect(full.out.columns?.[0]).toEqual({ name: 'customer_id', type: 'DOUBLE' });
    expect(full.out.rows).toBe(7043);
  });

  it('suffixes clashing right columns, ignoring case, and never reuses a taken name', async () => {
    await csv('a', `SELECT * FROM (VALUES (1, 10, 'x', 'p'), (2, 20, 'y', 'q')) t(id, score, Name, score_right)`);
    await csv('b', `SELECT * FROM (VALUES (1, 11, 'X'), (2, 21, 'Y')) t(id, score, name)`);
    const r = await runJoin('a', 'b', { on: ['id'] });
    expect(r.out.columns?.map((c) => c.name)).toEqual(['id', 'score', 'Name', 'score_right', 'score_right2', 'name_right']);
    expect(await rows(r.out)).toEqual([
      { id: 1, score: 10, Name: 'x', score_right: 'p', score_right2: 11, name_right: 'X' },
      { id: 2, score: 20, Name: 'y', score_right: 'q', score_right2: 21, name_right: 'Y' },
    ]);
    const custom = await runJoin('a', 'b', { on: ['id'], suffix: '_b' });
    expect(custom.out.columns?.map((c) => c.name)).toEqual(['id', 'score', 'Name', 'score_right', 'score_b', 'name_b']);
  });

  it('refuses keys of incompatible types, naming both columns and types', async () => {
    await csv('text_ids', `SELECT 'C' || lpad(customer_id::VARCHAR, 5, '0') AS customer_id, contract FROM read_csv(${csvPath('telco_right')})`);
    const r = await runJoin('telco_left', 'text_ids', { on: ['customer_id'] });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('on: cannot join left "customer_id" (BIGINT) with right "customer_id" (VARCHAR): incompatible types; cast one of them first');
  });

  it('fails naming the param and the column when a key is not there', async () => {
    const r = await runJoin('telco_left', 'telco_right', { left_on: ['customer_id'], right_on: ['client'] });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('right_on: column "client" is not in the right table');
  });

  it('warns when right keys repeat and the join multiplies rows; a missing key matches nothing', async () => {
    await csv('l3', `SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (NULL, 'c')) t(k, v)`);
    await csv('r3', `SELECT * FROM (VALUES (1, 10), (1, 11), (2, 20), (NULL, 99)) t(k, w)`);
    const r = await runJoin('l3', 'r3', { on: ['k'], how: 'left' });
    expect(await rows(r.out)).toEqual([
      { k: 1, v: 'a', w: 10 },
      { k: 1, v: 'a', w: 11 },
      { k: 2, v: 'b', w: 20 },
      { k: null, v: 'c', w: null },
    ]);
    expect(messages(r, 'warn')).toEqual(['left join: right keys repeat, so 2 matched left rows became 3 rows (1 more)']);
    expect(messages(r, 'info')).toContain('left join on k: 4 rows out; unmatched: 1 of 3 left rows, 1 of 4 right rows');
  });

  it('works on a table with a column named file_row_number (DuckDB\'s row position name)', async () => {
    await csv('odd', `SELECT * FROM (VALUES (2, 7), (1, 8)) t(k, file_row_number)`);
    await csv('odd_r', `SELECT * FROM (VALUES (1, 'one'), (2, 'two')) t(k, label)`);
    const r = await runJoin('odd', 'odd_r', { on: ['k'] });
    expect(r.error).toBeUndefined();
    expect(await rows(r.out)).toEqual([
      { k: 2, file_row_number: 7, label: 'two' },
      { k: 1, file_row_number: 8, label: 'one' },
    ]);
  });
});

describe('asof: the point-in-time join', () => {
  beforeAll(async () => {
    await csv(
      'events',
      `SELECT * FROM (VALUES (1, 'a', TIMESTAMP '2024-01-01 10:00'), (2, 'a', TIMESTAMP '2024-01-03 00:00'), (3, 'b', TIMESTAMP '2024-01-02 00:00'),
                            (4, 'c', TIMESTAMP '2024-01-05 00:00'), (5, 'a', TIMESTAMP '2024-01-10 00:00')) t(event, key, "at")`,
    );
    await csv(
      'features',
      `SELECT * FROM (VALUES ('a', TIMESTAMP '2024-01-01 00:00', 1.0), ('a', TIMESTAMP '2024-01-03 00:00', 2.0), ('a', TIMESTAMP '2024-01-04 00:00', 3.0),
                            ('b', TIMESTAMP '2024-01-02 12:00', 4.0), ('a', TIMESTAMP '2024-01-03 00:00', 5.0)) t(key, "at", value)`,
    );
  });

  it('takes for each left row the latest right row at or before its time with the same key, never a later one', async () => {
    const r = await runJoin('events', 'features', { how: 'asof', by: ['key'], left_time: 'at', right_time: 'at' });
    expect(r.error).toBeUndefined();
    expect(r.out.columns).toEqual([
      { name: 'event', type: 'BIGINT' },
      { name: 'key', type: 'VARCHAR' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'at_right', type: 'TIMESTAMP' },
      { name: 'value', type: 'DOUBLE' },
    ]);
    const out = await rows(r.out, 'event, at_right::VARCHAR AS seen, value');
    expect(out).toEqual([
      { event: 1, seen: '2024-01-01 00:00:00', value: 1 },
      // Two right rows at 01-03 for "a": the last in the right table wins, and a warning says so.
      { event: 2, seen: '2024-01-03 00:00:00', value: 5 },
      // "b" has a row only after the event: nothing.
      { event: 3, seen: null, value: null },
      { event: 4, seen: null, value: null },
      { event: 5, seen: '2024-01-04 00:00:00', value: 3 },
    ]);
    expect(r.out.meta).toBeUndefined();
    expect(messages(r, 'warn')).toEqual(['as-of join: 1 row of the right table shares its keys and time with a later row; the last one is used']);
    expect(messages(r, 'info')).toContain('as-of join: 3 of 5 left rows found an earlier right row; 2 rows had none (right columns empty); 2 of 5 right rows were never used');
  });

  it('allow_exact_matches false uses strictly earlier rows only; tolerance blanks matches that are too old', async () => {
    const strict = await runJoin('events', 'features', { how: 'asof', by: ['key'], left_time: 'at', right_time: 'at', allow_exact_matches: false });
    expect((await rows(strict.out, 'event, value')).map((x) => x.value)).toEqual([1, 1, null, null, 3]);
    const near = await runJoin('events', 'features', { how: 'asof', by: ['key'], left_time: 'at', right_time: 'at', tolerance: '2 days' });
    expect((await rows(near.out, 'event, value')).map((x) => x.value)).toEqual([1, 5, null, null, null]);
    const bad = await runJoin('events', 'features', { how: 'asof', by: ['key'], left_time: 'at', right_time: 'at', tolerance: 'soon' });
    expect(bad.status).toBe('failed');
    expect(bad.error).toBe('tolerance: "soon" is not a duration (write e.g. 7 days, 2 hours or 02:00:00)');
  });

  it('without by, matches on time alone', async () => {
    const r = await runJoin('events', 'features', { how: 'asof', left_time: 'at', right_time: 'at' });
    expect(r.out.columns?.map((c) => c.name)).toEqual(['event', 'key', 'at', 'key_right', 'at_right', 'value']);
    expect((await rows(r.out, 'key_right, value')).map((x) => [x.key_right, x.value])).toEqual([
      ['a', 1],
      ['a', 5],
      ['a', 1], // event 3 (b, 01-02 00:00): the "b" row comes 12 hours later; "a" at 01-01 is the latest before
      ['a', 3], // event 4 (01-05): "a" at 01-04 is later than "b" at 01-02 12:00
      ['a', 3],
    ]);
  });

  it('flights: per origin, the latest delay report before each flight, checked against a brute-force search', async () => {
    // Every 50th flight is a delay report; the right table holds them in report order.
    await csv(
      'reports',
      `SELECT row_id // 50 AS report, origin, date AS reported_at, delay AS last_delay FROM read_csv(${csvPath('flights')}) WHERE row_id % 50 = 0 ORDER BY row_id`,
    );
    const r = await runJoin('flights', 'reports', { how: 'asof', by: ['origin'], left_time: 'date', right_time: 'reported_at' });
    expect(r.error).toBeUndefined();
    expect(r.out.rows).toBe(100_000);
    expect(r.out.columns?.map((c) => c.name)).toEqual(['row_id', 'date', 'delay', 'distance', 'origin', 'destination', 'report', 'reported_at', 'last_delay']);
    const p = { out: r.out.path };
    // Never a report from after the flight.
    expect(await scalar('SELECT count(*) FROM read_parquet($out) WHERE reported_at > date', p)).toBe(0);
    // In the flights' order.
    expect(await scalar('SELECT count(*) FROM read_parquet($out) WHERE row_id <> file_row_number', p)).toBe(0);
    // Brute force: every report of the origin at or before the flight, the latest (then the last listed) kept.
    const mismatches = await scalar(
      `WITH f AS (SELECT * FROM read_parquet($out)),
            best AS (
              SELECT f.row_id, r.report
              FROM f JOIN read_csv($reports) r ON r.origin = f.origin AND r.reported_at <= f.date
              QUALIFY row_number() OVER (PARTITION BY f.row_id ORDER BY r.reported_at DESC, r.report DESC) = 1)
       SELECT count(*) FROM f LEFT JOIN best USING (row_id) WHERE f.report IS DISTINCT FROM best.report`,
      { ...p, reports: join(data, 'reports.csv') },
    );
    expect(mismatches).toBe(0);
    const none = await scalar('SELECT count(*) FROM read_parquet($out) WHERE report IS NULL', p);
    expect(none).toBeGreaterThan(0); // flights before their origin's first report
    expect(await scalar('SELECT count(*) FROM read_parquet($out) WHERE report IS NULL AND (last_delay IS NOT NULL OR reported_at IS NOT NULL)', p)).toBe(0);
    expect(messages(r, 'info').some((m) => m.startsWith(`as-of join: ${100_000 - none} of 100000 left rows found an earlier right row; ${none} rows had none`))).toBe(true);
  });

  it('flights with a one-hour tolerance: no report older than that is used', async () => {
    const r = await runJoin('flights', 'reports', { how: 'asof', by: ['origin'], left_time: 'date', right_time: 'reported_at', tolerance: '1 hour' });
    const p = { out: r.out.path };
    expect(await scalar("SELECT count(*) FROM read_parquet($out) WHERE reported_at < date - INTERVAL '1 hour' OR reported_at > date", p)).toBe(0);
    expect(await scalar('SELECT count(*) FROM read_parquet($out) WHERE report IS NOT NULL', p)).toBeGreaterThan(1000);
  });

  it('needs both time columns and refuses on: the graph check stops the run, naming the param', async () => {
    const r = await runJoin('events', 'features', { how: 'asof', by: ['key'], on: ['key'], left_time: 'at' });
    expect(r.record.status).toBe('failed');
    expect(r.status).toBeUndefined();
    const text = messages(r).join('\n');
    expect(text).toContain('on is for inner, left and full joins; an as-of join matches on by and the time columns');
    expect(text).toContain('an as-of join needs the right time column');
  });
});

describe('planJoin (inferSchema)', () => {
  const L: ColumnSchema[] = [
    { name: 'id', type: 'INTEGER' },
    { name: 'at', type: 'DATE' },
    { name: 'x', type: 'DOUBLE' },
  ];
  const R: ColumnSchema[] = [
    { name: 'id', type: 'BIGINT' },
    { name: 'at', type: 'TIMESTAMP' },
    { name: 'x', type: 'VARCHAR' },
    { name: 'code', type: 'VARCHAR' },
  ];
  /** `null` for an input whose schema is not known yet. */
  const infer = (params: Record<string, unknown>, left: ColumnSchema[] | null = L, right: ColumnSchema[] | null = R) =>
    featureJoinSpec.inferSchema!(
      { left: left ? { kind: 'table', columns: left } : undefined, right: right ? { kind: 'table', columns: right } : undefined },
      withDefaults(featureJoinSpec, params),
    );

  it('derives the output columns exactly: left columns, then right non-keys with the suffix', () => {
    expect(infer({ on: ['id'] }).outputs.out).toEqual({
      kind: 'table',
      columns: [
        { name: 'id', type: 'INTEGER' },
        { name: 'at', type: 'DATE' },
        { name: 'x', type: 'DOUBLE' },
        { name: 'at_right', type: 'TIMESTAMP' },
        { name: 'x_right', type: 'VARCHAR' },
        { name: 'code', type: 'VARCHAR' },
      ],
    });
    // A full join merges the key into the type both sides compare as.
    const full = infer({ on: ['id', 'at'], how: 'full' }).outputs.out;
    expect(full?.kind === 'table' && full.columns.slice(0, 2)).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'at', type: 'TIMESTAMP' },
    ]);
    const asof = infer({ how: 'asof', by: ['id'], left_time: 'at', right_time: 'at' }).outputs.out;
    expect(asof?.kind === 'table' && asof.columns.map((c) => c.name)).toEqual(['id', 'at', 'x', 'at_right', 'x_right', 'code']);
  });

  it('reports each bad reference on its param', () => {
    expect(infer({ on: ['id', 'nope'] }).problems).toEqual([{ param: 'on', message: 'column "nope" is not in the left table' }, { param: 'on', message: 'column "nope" is not in the right table' }]);
    expect(infer({ on: ['x'] }).problems).toEqual([
      { param: 'on', message: 'cannot join left "x" (DOUBLE) with right "x" (VARCHAR): incompatible types; cast one of them first' },
    ]);
    expect(infer({ left_on: ['id', 'x'], right_on: ['id'] }).problems).toEqual([{ param: 'right_on', message: 'left_on has 2 column(s) and right_on 1: they pair up in order' }]);
    expect(infer({ on: ['id'], left_on: ['id'], right_on: ['id'] }).problems?.[0].param).toBe('on');
    expect(infer({}, L, [{ name: 'other', type: 'INTEGER' }]).problems).toEqual([
      { param: 'on', message: 'the two tables share no column name: set on, or left_on and right_on' },
    ]);
    expect(infer({ how: 'asof', left_time: 'x', right_time: 'code' }).problems).toEqual([
      { param: 'right_time', message: 'time column "code" is VARCHAR; an as-of join needs dates, timestamps or numbers' },
    ]);
    expect(infer({ how: 'asof', left_time: 'x', right_time: 'at' }).problems).toEqual([
      { param: 'right_time', message: 'cannot join left "x" (DOUBLE) with right "at" (TIMESTAMP): incompatible types; cast one of them first' },
    ]);
  });

  it('checks what it can while an input is unknown, and gives no output schema', () => {
    const r = infer({ on: ['nope'] }, L, null);
    expect(r.outputs.out).toBeUndefined();
    expect(r.problems).toEqual([{ param: 'on', message: 'column "nope" is not in the left table' }]);
  });

  it('key types: the same, numbers, dates with timestamps; never text with a number', () => {
    expect(keyType('VARCHAR', 'VARCHAR')).toBe('VARCHAR');
    expect(keyType('INTEGER', 'BIGINT')).toBe('BIGINT');
    expect(keyType('UINTEGER', 'INTEGER')).toBe('BIGINT');
    expect(keyType('UBIGINT', 'BIGINT')).toBe('HUGEINT');
    expect(keyType('INTEGER', 'DOUBLE')).toBe('DOUBLE');
    expect(keyType('DATE', 'TIMESTAMP')).toBe('TIMESTAMP');
    expect(keyType('VARCHAR', 'BIGINT')).toBeUndefined();
    expect(keyType('DATE', 'VARCHAR')).toBeUndefined();
    expect(keyType('TIMESTAMP WITH TIME ZONE', 'TIMESTAMP')).toBeUndefined();
    expect(planJoin(undefined, undefined, { how: 'sideways' }).problems).toEqual([{ param: 'how', message: 'unknown join "sideways"' }]);
  });
});
