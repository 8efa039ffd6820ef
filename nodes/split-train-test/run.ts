import { quoteIdent, type DuckSession, type SqlParams } from '../../src-main/data/duckdb.js';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext } from '../../src-main/engine/node-runner.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { methodProblems, testCount, type SplitMethod } from './spec.js';

/**
 * split.train_test: every input row goes to exactly one output. The work happens in DuckDB: a
 * temp table `split_assign(pos, is_test)` says where each row (by its position in the input
 * file) goes, then each output is the input rows of one side, in input order.
 */
export const runSplitTrainTest: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const columns = input.columns ?? [];
  const method = String(params.method ?? 'random') as SplitMethod;
  const problem = methodProblems(method, params, columns)[0];
  if (problem) throw new NodeError(`${problem.param}: ${problem.message}`);

  const src = await positioned(ctx, input.path, columns);
  const [{ n }] = await ctx.db.objects(`SELECT count(*)::BIGINT AS n FROM ${src.relation}`, src.params);
  const rows = Number(n);
  const testSize = Number(params.testSize ?? 0.25);
  let nTest = 0;
  if (method !== 'column') {
    try {
      nTest = testCount(testSize, rows);
    } catch (e) {
      throw new NodeError((e as Error).message);
    }
  }
  const seed = Number(params.seed ?? 0);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new NodeError(`seed must be a whole number of 0 or more, not ${String(params.seed)}`);

  ctx.progress(0.1, `assigning ${rows} rows (${method})`);
  const assign = 'split_assign';
  // Counts and the seed are cast in SQL ($n::BIGINT...): a JS number binds as INTEGER or DOUBLE.
  const p = { rows, nTest, seed };
  switch (method) {
    case 'random':
      if (params.shuffle === false) {
        // scikit-learn without shuffle: the first n_train rows train, the last n_test rows test.
        await ctx.db.run(
          `CREATE OR REPLACE TEMP TABLE ${assign} AS SELECT ${src.pos} AS pos, ${src.pos} >= $n::BIGINT - $n_test::BIGINT AS is_test FROM ${src.relation}`,
          { ...src.params, n: rows, n_test: nTest },
        );
      } else {
        await defineSplitMix(ctx.db);
        await keysTable(ctx, src);
        await ctx.db.run(
          `CREATE OR REPLACE TEMP TABLE ${assign} AS
           SELECT pos, row_number() OVER (ORDER BY key, pos) <= $n_test::BIGINT AS is_test
           FROM (SELECT pos, splitmix64($seed::UBIGINT, pos) AS key FROM split_keys)`,
          { n_test: nTest, seed },
        );
      }
      break;
    case 'stratified':
      await stratified(ctx, src, quoteIdent(String(params.stratify)), p, assign, String(params.stratify));
      break;
    case 'time':
      await byTime(ctx, src, String(params.time), p, assign);
      break;
    case 'column': {
      const name = String(params.column);
      const [{ missing }] = await ctx.db.objects(
        `SELECT count(*) FILTER (${quoteIdent(name)} IS NULL)::BIGINT AS missing FROM ${src.relation}`,
        src.params,
      );
      if (Number(missing) > 0) {
        throw new NodeError(
          `column: "${name}" is missing in ${missing} of ${rows} rows; a missing "is test" flag is refused rather than guessed (filter or impute it first)`,
        );
      }
      await ctx.db.run(
        `CREATE OR REPLACE TEMP TABLE ${assign} AS SELECT ${src.pos} AS pos, ${quoteIdent(name)} AS is_test FROM ${src.relation}`,
        src.params,
      );
      break;
    }
    default:
      throw new NodeError(`method: unknown method "${String(method)}"`);
  }

  ctx.progress(0.5, 'writing train and test');
  const side = (test: boolean) =>
    `SELECT s.* FROM ${src.relation} s JOIN ${assign} a ON a.pos = s.${src.pos} WHERE a.is_test = ${test} ORDER BY s.${src.pos}`;
  const inputMeta = (input.meta ?? {}) as Record<string, unknown>;
  const train = await writeTable(ctx, side(false), src.params, { ...inputMeta, split: 'train' });
  const test = await writeTable(ctx, side(true), src.params, { ...inputMeta, split: 'test' });
  await ctx.db.run(`DROP TABLE ${assign}`);
  await ctx.db.run('DROP TABLE IF EXISTS split_keys');
  if (src.cleanup) await ctx.db.run(src.cleanup);

  if (train.rows + test.rows !== rows) {
    throw new Error(`split lost rows: ${train.rows} train + ${test.rows} test != ${rows} input rows`);
  }
  ctx.log('info', `split ${rows} rows (${method}): ${train.rows} train, ${test.rows} test`);
  if (method === 'column' && (train.rows === 0 || test.rows === 0)) {
    ctx.log('warn', `column: "${String(params.column)}" is ${test.rows === 0 ? 'false' : 'true'} in every row: the ${test.rows === 0 ? 'test' : 'train'} table is empty`);
  }
  ctx.metric('train_rows', train.rows);
  ctx.metric('test_rows', test.rows);
  ctx.progress(1);
  return { train, test };
};

interface Sizes {
  readonly rows: number;
  readonly nTest: number;
  readonly seed: number;
}

/** The input as a relation with a stable row position (0-based, in file order). */
interface Positioned {
  readonly relation: string;
  readonly pos: string;
  readonly params: SqlParams;
  readonly cleanup?: string;
}

/**
 * The row position is Parquet's `file_row_number` virtual column. A table with a column of that
 * name hides it: then the rows are copied into a temp table (insertion order is kept) and its
 * `rowid` is the position.
 */
async function positioned(ctx: RunContext, path: string, columns: readonly ColumnSchema[]): Promise<Positioned> {
  const has = (name: string) => columns.some((c) => c.name.toLowerCase() === name);
  if (!has('file_row_number')) return { relation: 'read_parquet($in)', pos: 'file_row_number', params: { in: path } };
  if (has('rowid')) throw new NodeError('the input has columns named both "file_row_number" and "rowid": rename one of them first');
  await ctx.db.run('CREATE OR REPLACE TEMP TABLE split_src AS SELECT * FROM read_parquet($in)', { in: path });
  return { relation: 'split_src', pos: 'rowid', params: {}, cleanup: 'DROP TABLE split_src' };
}

/**
 * `split_keys(pos, c)`: each row's position and, when given, the value of one column, as a plain
 * temp table. Window functions run over it rather than over the Parquet scan: DuckDB 1.5 can
 * fail (fatally, invalidating the database) on a window over a scan that reads the
 * `file_row_number` virtual column.
 */
async function keysTable(ctx: RunContext, src: Positioned, col?: string): Promise<void> {
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE split_keys AS SELECT ${src.pos} AS pos${col ? `, ${col} AS c` : ''} FROM ${src.relation}`,
    src.params,
  );
}

/**
 * SplitMix64 (Steele, Lea and Flood 2014; the generator that seeds xoshiro) as DuckDB macros in
 * exact 128-bit integer arithmetic masked to 64 bits: `splitmix64(seed, i)` is the (i+1)-th
 * output of the generator started at `seed`. Plain integer arithmetic, so the value of every row
 * is the same on every machine and DuckDB version (run.test.ts checks the published outputs).
 */
export async function defineSplitMix(db: DuckSession): Promise<void> {
  const mask = '18446744073709551615::UHUGEINT';
  await db.run(`CREATE OR REPLACE TEMP MACRO splitmix_a(z) AS (xor(z, z >> 30) * 13787848793156543929::UHUGEINT) & ${mask}`);
  await db.run(`CREATE OR REPLACE TEMP MACRO splitmix_b(z) AS (xor(z, z >> 27) * 10723151780598845931::UHUGEINT) & ${mask}`);
  await db.run(
    `CREATE OR REPLACE TEMP MACRO splitmix64(seed, i) AS
       xor(splitmix_b(splitmix_a((seed::UHUGEINT + (i::UHUGEINT + 1) * 11400714819323198485::UHUGEINT) & ${mask})),
           splitmix_b(splitmix_a((seed::UHUGEINT + (i::UHUGEINT + 1) * 11400714819323198485::UHUGEINT) & ${mask})) >> 31)::UBIGINT`,
  );
}

/**
 * Stratified as scikit-learn allocates it: class c of n_c rows gets floor(n_test * n_c / n) test
 * rows, and the rows left over go one each to the classes with the largest remainders (ties: the
 * larger class, then the smaller class value). Exact integer arithmetic, so every class's test
 * count is within one row of its share. Within a class, the rows with the smallest SplitMix64
 * values are the test rows.
 */
async function stratified(ctx: RunContext, src: Positioned, col: string, p: Sizes, assign: string, name: string): Promise<void> {
  await defineSplitMix(ctx.db);
  await keysTable(ctx, src, col);
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE ${assign} AS
     WITH k AS (SELECT pos, c, splitmix64($seed::UBIGINT, pos) AS key FROM split_keys),
     counts AS (SELECT c, count(*)::HUGEINT AS n_c FROM k GROUP BY ALL),
     alloc AS (SELECT c, n_c, ($n_test::HUGEINT * n_c) // $n::HUGEINT AS base, ($n_test::HUGEINT * n_c) % $n::HUGEINT AS rest FROM counts),
     quota AS (
       SELECT c, base + CASE WHEN row_number() OVER (ORDER BY rest DESC, n_c DESC, c ASC NULLS LAST)
                                  <= $n_test::HUGEINT - sum(base) OVER () THEN 1 ELSE 0 END AS quota
       FROM alloc)
     SELECT k.pos, row_number() OVER (PARTITION BY k.c ORDER BY k.key, k.pos) <= q.quota AS is_test
     FROM k JOIN quota q ON k.c IS NOT DISTINCT FROM q.c`,
    { n: p.rows, n_test: p.nTest, seed: p.seed },
  );
  const [stats] = await ctx.db.objects(
    `SELECT count(*)::BIGINT AS classes, count(*) FILTER (n_c = 1)::BIGINT AS single
     FROM (SELECT c, count(*) AS n_c FROM split_keys GROUP BY ALL)`,
  );
  const classes = Number(stats.classes);
  ctx.log('info', `stratify: "${name}" has ${classes} class${classes === 1 ? '' : 'es'}`);
  if (Number(stats.single) > 0) {
    ctx.log('warn', `stratify: ${stats.single} class(es) of "${name}" have a single row, which goes to one side only`);
  }
  if (classes > p.nTest) {
    ctx.log('warn', `stratify: "${name}" has ${classes} classes but the test table only ${p.nTest} rows: some classes have no test row`);
  }
}

/**
 * By time: rows are grouped by time, latest first. `ge` is the number of rows at or after a
 * row's time, `later` the number strictly after it. The boundary group (the one holding the
 * n_test-th latest row) goes wholly to test (test = rows with `later < n_test`) or wholly to
 * train (test = rows with `ge < n_test`), whichever brings the test size nearer n_test; on a tie,
 * test, as scikit-learn rounds the test size up. Neither side may end up empty.
 */
async function byTime(ctx: RunContext, src: Positioned, name: string, p: Sizes, assign: string): Promise<void> {
  const nTest = p.nTest;
  const t = quoteIdent(name);
  const [{ missing }] = await ctx.db.objects(`SELECT count(*) FILTER (${t} IS NULL)::BIGINT AS missing FROM ${src.relation}`, src.params);
  if (Number(missing) > 0) {
    throw new NodeError(`time: "${name}" is missing in ${missing} rows; a time split cannot place them (filter or impute them first)`);
  }
  await keysTable(ctx, src, t);
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE split_time AS
     SELECT pos, c AS t, (rank() OVER w - 1)::BIGINT AS later, (count(*) OVER w)::BIGINT AS ge
     FROM split_keys WINDOW w AS (ORDER BY c DESC)`,
  );
  const [b] = await ctx.db.objects(
    `SELECT coalesce(max(ge) FILTER (ge < $n_test::BIGINT), 0)::BIGINT AS before, min(ge) FILTER (ge >= $n_test::BIGINT)::BIGINT AS after,
            arg_min(t, ge) FILTER (ge >= $n_test::BIGINT)::VARCHAR AS boundary
     FROM split_time`,
    { n_test: nTest },
  );
  const rows = p.rows;
  const without = Number(b.before); // test size if the boundary group goes to train
  const withIt = Number(b.after); // test size if it goes to test
  const canWithout = without > 0;
  const canWith = withIt < rows;
  if (!canWithout && !canWith) {
    throw new NodeError(`time: every row of "${name}" has the same time (${String(b.boundary)}): a time split needs at least two distinct times`);
  }
  const inclusive = !canWithout || (canWith && withIt - nTest <= nTest - without);
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE ${assign} AS SELECT pos, ${inclusive ? 'later' : 'ge'} < $n_test::BIGINT AS is_test FROM split_time`,
    { n_test: nTest },
  );
  await ctx.db.run('DROP TABLE split_time');
  const size = inclusive ? withIt : without;
  ctx.log(
    'info',
    `time: test = rows with "${name}" ${inclusive ? 'at or after' : 'after'} ${String(b.boundary)}: ${size} rows` +
      (size === nTest ? '' : ` (testSize asks ${nTest}; rows sharing a time stay on one side)`),
  );
}
