import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext, type StoredArtifact } from '../../src-main/engine/node-runner.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { planJoin, type JoinPlan, type OutputColumn } from './spec.js';

const q = quoteIdent;

/**
 * feature.join. The join is computed once into a temp table that also holds each row's position
 * in the left and right files (a full join for inner/left/full, an ASOF LEFT JOIN for asof):
 * the unmatched counts come from it, then the output keeps the rows `how` asks for, in the left
 * table's order. The output carries no metadata: a join starts a new preprocessing chain.
 */
export const runFeatureJoin: NodeRunFn = async (ctx, inputs, params) => {
  const leftCols = inputs.left.columns ?? [];
  const rightCols = inputs.right.columns ?? [];
  const { plan, problems } = planJoin(leftCols, rightCols, params);
  if (!plan) throw new NodeError(problems.map((p) => `${p.param}: ${p.message}`).join('; ') || 'cannot plan the join');

  // Helper columns: names that no input or output column has (DuckDB names ignore case).
  const used = new Set([...leftCols, ...rightCols, ...plan.columns].map((c) => c.name.toLowerCase()));
  const fresh = (base: string) => {
    let name = base;
    while (used.has(name)) name = `_${name}`;
    used.add(name);
    return name;
  };
  const lp = fresh('__left_row');
  const rp = fresh('__right_row');

  const left = await positioned(ctx, 'left', inputs.left, leftCols);
  const right = await positioned(ctx, 'right', inputs.right, rightCols);
  const sqlParams: SqlParams = { ...left.params, ...right.params };
  const nLeft = inputs.left.rows ?? (await count(ctx, left.relation, left.params));
  const nRight = inputs.right.rows ?? (await count(ctx, right.relation, right.params));
  const keyText = plan.keys.map((k) => (k.left === k.right ? k.left : `${k.left} = ${k.right}`)).join(', ');

  ctx.progress(0.1, plan.how === 'asof' ? 'as-of join' : `${plan.how} join on ${keyText}`);
  let passedOver = 0;
  if (plan.how === 'asof') {
    passedOver = await asofJoin(ctx, plan, left, right, lp, rp, sqlParams, String(params.tolerance ?? '').trim(), params.allow_exact_matches !== false);
  } else {
    const on = plan.keys.map((k) => `l.${q(k.left)} = r.${q(k.right)}`).join(' AND ');
    const select = plan.columns.map((c) => `${columnExpr(c, plan)} AS ${q(c.name)}`);
    await ctx.db.run(
      `CREATE OR REPLACE TEMP TABLE join_all AS
       SELECT ${[...select, `l.${left.pos} AS ${q(lp)}`, `r.${right.pos} AS ${q(rp)}`].join(', ')}
       FROM ${left.relation} l FULL JOIN ${right.relation} r ON ${on}`,
      sqlParams,
    );
  }

  ctx.progress(0.6, 'counting matches');
  const L = q(lp);
  const R = q(rp);
  const [c] = await ctx.db.objects(
    `SELECT count(*) FILTER (${L} IS NOT NULL AND ${R} IS NULL)::BIGINT AS left_unmatched,
            count(DISTINCT ${R}) FILTER (${L} IS NOT NULL)::BIGINT AS right_used,
            (count(*) FILTER (${L} IS NOT NULL AND ${R} IS NOT NULL) - count(DISTINCT ${L}) FILTER (${R} IS NOT NULL))::BIGINT AS extra,
            count(DISTINCT ${L}) FILTER (${R} IS NOT NULL)::BIGINT AS left_matched
     FROM join_all`,
  );
  const leftUnmatched = Number(c.left_unmatched);
  const rightUnmatched = nRight - Number(c.right_used);
  const keep = { inner: `${L} IS NOT NULL AND ${R} IS NOT NULL`, left: `${L} IS NOT NULL`, asof: `${L} IS NOT NULL`, full: 'true' }[plan.how];

  ctx.progress(0.7, 'writing table');
  const out = await writeTable(ctx, `SELECT * EXCLUDE (${L}, ${R}) FROM join_all WHERE ${keep} ORDER BY ${L} NULLS LAST, ${R} NULLS LAST`);
  await ctx.db.run('DROP TABLE join_all');
  for (const cleanup of [left.cleanup, right.cleanup]) if (cleanup) await ctx.db.run(cleanup);

  const expected = plan.columns.map(({ name, type }) => `${name} ${type}`).join(', ');
  const actual = out.columns.map(({ name, type }) => `${name} ${type}`).join(', ');
  if (expected !== actual) throw new Error(`feature.join: output columns (${actual}) differ from the inferred schema (${expected})`);

  logCounts(ctx, plan, { nLeft, nRight, leftUnmatched, rightUnmatched, extra: Number(c.extra), leftMatched: Number(c.left_matched), passedOver, out: out.rows, keyText });
  ctx.metric('left_unmatched', leftUnmatched);
  ctx.metric('right_unmatched', rightUnmatched);
  ctx.progress(1);
  // No meta: the chain restarts after a join.
  return { out: { kind: 'table', file: out.file, rows: out.rows, columns: out.columns } };
};

function columnExpr(c: OutputColumn, plan: JoinPlan): string {
  if (c.from === 'right') return `r.${q(c.source)}`;
  if (c.from === 'left' || plan.how !== 'full') return `l.${q(c.source)}`;
  const key = plan.keys.find((k) => k.left === c.source)!;
  const merged = `coalesce(l.${q(key.left)}, r.${q(key.right)})`;
  // c.cast is one of keyType's fixed type names, never text from the user.
  return c.cast ? `CAST(${merged} AS ${c.cast})` : merged;
}

/**
 * The as-of join: DuckDB's ASOF LEFT JOIN, `l.time >= r.time` (or `>` without exact matches),
 * so no right row later than the left row is ever used. Right rows with a missing time can never
 * match and are left out; among right rows sharing keys and time, the last in the file is kept,
 * so the result never depends on the join's internal order. With a tolerance, a match older than
 * it is blanked out (as no match). Returns how many right rows were passed over as duplicates.
 */
async function asofJoin(
  ctx: RunContext,
  plan: JoinPlan,
  left: Positioned,
  right: Positioned,
  lp: string,
  rp: string,
  sqlParams: SqlParams,
  tolerance: string,
  exact: boolean,
): Promise<number> {
  const time = plan.time!;
  const lt = `l.${q(time.left)}`;
  const rt = `r.${q(time.right)}`;
  const params: SqlParams = { ...sqlParams };
  let within = 'true';
  if (tolerance !== '') {
    if (time.numeric) {
      const t = Number(tolerance);
      if (!Number.isFinite(t) || t < 0) throw new NodeError(`tolerance: "${tolerance}" must be a number of 0 or more for numeric times`);
      params.tol = t;
      within = `${rt} >= ${lt} - $tol::DOUBLE`;
    } else {
      let negative: unknown;
      try {
        [{ negative }] = await ctx.db.objects('SELECT $tol::INTERVAL < INTERVAL 0 SECONDS AS negative', { tol: tolerance });
      } catch {
        throw new NodeError(`tolerance: "${tolerance}" is not a duration (write e.g. 7 days, 2 hours or 02:00:00)`);
      }
      if (negative === true) throw new NodeError(`tolerance: "${tolerance}" is negative`);
      params.tol = tolerance;
      within = `${rt} >= ${lt} - $tol::INTERVAL`;
    }
  }
  // The right rows with a time, then the last of each (keys, time), in two plain steps: DuckDB
  // 1.5 can fail (fatally, invalidating the database) on a window over a Parquet scan that reads
  // the `file_row_number` virtual column.
  const partition = [...plan.keys.map((k) => q(k.right)), q(time.right)].join(', ');
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE join_right_timed AS
     SELECT r0.*, r0.${right.pos} AS ${q(rp)} FROM ${right.relation} r0 WHERE r0.${q(time.right)} IS NOT NULL`,
    right.params,
  );
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE join_right AS
     SELECT * FROM join_right_timed QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ${q(rp)} DESC) = 1`,
  );
  const on = [...plan.keys.map((k) => `l.${q(k.left)} = r.${q(k.right)}`), `${lt} ${exact ? '>=' : '>'} ${rt}`].join(' AND ');
  const guard = (expr: string) => (within === 'true' ? expr : `CASE WHEN ${within} THEN ${expr} END`);
  const select = plan.columns.map((c) => `${c.from === 'right' ? guard(`r.${q(c.source)}`) : `l.${q(c.source)}`} AS ${q(c.name)}`);
  const { right: _right, ...leftParams } = params;
  await ctx.db.run(
    `CREATE OR REPLACE TEMP TABLE join_all AS
     SELECT ${[...select, `l.${left.pos} AS ${q(lp)}`, `${guard(`r.${q(rp)}`)} AS ${q(rp)}`].join(', ')}
     FROM ${left.relation} l ASOF LEFT JOIN join_right r ON ${on}`,
    leftParams,
  );
  const [{ timed, distinct }] = await ctx.db.objects(
    'SELECT count(*)::BIGINT AS timed, (SELECT count(*) FROM join_right)::BIGINT AS distinct FROM join_right_timed',
  );
  await ctx.db.run('DROP TABLE join_right');
  await ctx.db.run('DROP TABLE join_right_timed');
  return Number(timed) - Number(distinct);
}

interface Counts {
  nLeft: number;
  nRight: number;
  leftUnmatched: number;
  rightUnmatched: number;
  extra: number;
  leftMatched: number;
  passedOver: number;
  out: number;
  keyText: string;
}

function logCounts(ctx: RunContext, plan: JoinPlan, n: Counts): void {
  const rows = (k: number) => `${k} row${k === 1 ? '' : 's'}`;
  const of = (k: number, total: number, side: string) => `${k} of ${total} ${side} rows`;
  if (plan.how === 'asof') {
    ctx.log(
      'info',
      `as-of join: ${n.nLeft - n.leftUnmatched} of ${n.nLeft} left rows found an earlier right row; ${rows(n.leftUnmatched)} had none (right columns empty); ${of(n.rightUnmatched, n.nRight, 'right')} were never used`,
    );
    if (n.passedOver > 0) {
      ctx.log('warn', `as-of join: ${rows(n.passedOver)} of the right table ${n.passedOver === 1 ? 'shares its' : 'share their'} keys and time with a later row; the last one is used`);
    }
  } else {
    const summary = `${plan.how} join on ${n.keyText}: ${rows(n.out)} out; unmatched: ${of(n.leftUnmatched, n.nLeft, 'left')}, ${of(n.rightUnmatched, n.nRight, 'right')}`;
    if (plan.how === 'inner' && (n.leftUnmatched > 0 || n.rightUnmatched > 0)) {
      ctx.log('warn', `${summary}, dropped by the inner join`);
    } else {
      ctx.log('info', summary);
    }
  }
  if (n.extra > 0) {
    ctx.log('warn', `${plan.how} join: right keys repeat, so ${n.leftMatched} matched left rows became ${n.leftMatched + n.extra} rows (${n.extra} more)`);
  }
}

async function count(ctx: RunContext, relation: string, params: SqlParams): Promise<number> {
  const [{ n }] = await ctx.db.objects(`SELECT count(*)::BIGINT AS n FROM ${relation}`, params);
  return Number(n);
}

interface Positioned {
  readonly relation: string;
  readonly pos: string;
  readonly params: SqlParams;
  readonly cleanup?: string;
}

/**
 * A side as a relation with its row position: Parquet's `file_row_number` virtual column, or,
 * when the table has a column of that name (which hides it), a temp copy and its `rowid`.
 */
async function positioned(ctx: RunContext, side: 'left' | 'right', input: StoredArtifact, columns: readonly ColumnSchema[]): Promise<Positioned> {
  const has = (name: string) => columns.some((c) => c.name.toLowerCase() === name);
  if (!has('file_row_number')) return { relation: `read_parquet($${side})`, pos: 'file_row_number', params: { [side]: input.path } };
  if (has('rowid')) throw new NodeError(`the ${side} table has columns named both "file_row_number" and "rowid": rename one of them first`);
  const table = `join_${side}_src`;
  await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_parquet($p)`, { p: input.path });
  return { relation: table, pos: 'rowid', params: {}, cleanup: `DROP TABLE ${table}` };
}
