import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { INPUT_RELATION, writeFittedTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { isBooleanType, isNumericType } from '../../src-shared/transforms/common.js';
import { infrequentIndices, onehotNames, type Category, type EncodeColumnState, type EncodeState } from '../../src-shared/transforms/encode.js';
import { featureEncodeSpec, MAX_DISTINCT, MAX_ONEHOT_COLUMNS, planEncode } from './spec.js';

/**
 * feature.encode: the categories and their counts are a GROUP BY per column (at most
 * MAX_DISTINCT + 1 rows read back), the output one projection with each category as a parameter.
 */
export const runFeatureEncode: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const table = input.columns ?? [];
  const plan = planEncode(table, params);
  const first = plan.problems[0];
  if (first) throw new NodeError(`${first.param}: ${first.message}`);
  const from: SqlParams = { in: input.path };
  const onehot = plan.method === 'onehot';
  const maxCategories = typeof params.max_categories === 'number' ? params.max_categories : undefined;
  const taken = new Set(table.map((c) => c.name));

  const columns: EncodeColumnState[] = [];
  for (const [k, column] of plan.columns.entries()) {
    ctx.progress(0.1 + (0.5 * k) / plan.columns.length, `learning the categories of ${column.name}`);
    const kind = isNumericType(column.type) ? 'number' : isBooleanType(column.type) ? 'boolean' : 'text';
    const col = quoteIdent(column.name);
    // Numbers compare as DOUBLE everywhere (fit, projection, replay): one kind of number.
    const value = kind === 'number' ? `${col}::DOUBLE` : col;
    const rows = await ctx.db.objects(
      `SELECT ${value} AS v, count(*)::BIGINT AS n FROM ${INPUT_RELATION} GROUP BY 1 ORDER BY 1 NULLS LAST LIMIT ${MAX_DISTINCT + 2}`,
      from,
    );
    const seen = rows.filter((r) => r.v !== null);
    if (seen.length > MAX_DISTINCT) {
      throw new NodeError(`columns: column "${column.name}" has more than ${MAX_DISTINCT} distinct values: it does not look categorical`);
    }
    for (const r of seen) {
      if (kind === 'number' && typeof r.v !== 'number') {
        throw new NodeError(`columns: column "${column.name}" holds ${String(r.v)}: remove its NaN or infinite values before encoding it`);
      }
    }
    const all = (onehot ? rows : seen).map((r) => r.v as Category);
    const infrequentAt = new Set(onehot ? infrequentIndices(rows.map((r) => Number(r.n)), maxCategories) : []);
    const categories = all.filter((_, i) => !infrequentAt.has(i));
    const infrequent = all.filter((_, i) => infrequentAt.has(i));
    if (onehot && categories.length + (infrequent.length > 0 ? 1 : 0) > MAX_ONEHOT_COLUMNS) {
      throw new NodeError(
        `columns: column "${column.name}" has ${categories.length} categories, more than the ${MAX_ONEHOT_COLUMNS} one-hot columns allowed per column: set max_categories, or use the ordinal method`,
      );
    }
    const outputs = onehot ? onehotNames(column.name, categories, infrequent.length > 0, taken) : [plan.ordinalNames.get(column.name)!];
    columns.push({ name: column.name, kind, categories, infrequent, outputs });
  }
  const state: EncodeState = {
    method: plan.method,
    handle_unknown: params.handle_unknown === 'ignore' ? 'ignore' : 'error',
    drop_original: params.drop_original !== false,
    columns,
  };

  const sqlParams: SqlParams = { ...from };
  let p = 0;
  const param = (v: string | number | boolean): string => {
    const name = `p${p++}`;
    sqlParams[name] = v;
    return `$${name}`;
  };
  const byName = new Map(columns.map((c) => [c.name, c]));
  const select: string[] = [];
  for (const { name } of table) {
    const c = byName.get(name);
    const col = quoteIdent(name);
    if (!c) {
      select.push(col);
      continue;
    }
    if (!state.drop_original) select.push(col);
    const sqlType = c.kind === 'number' ? 'DOUBLE' : c.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
    const value = `${col}::${sqlType}`;
    const equals = (cat: Category) => (cat === null ? `(${col} IS NULL)` : `coalesce(${value} = ${param(cat)}::${sqlType}, false)`);
    if (!onehot) {
      // The position in the sorted list of categories; NULL stays NULL.
      // One list parameter (as text: numbers in their shortest exact form, which DuckDB reads back exactly).
      const list = `p${p++}`;
      sqlParams[list] = c.categories.map((cat) => String(cat));
      const code = c.categories.length === 0 ? 'NULL' : `list_position($${list}::${sqlType}[], ${value}) - 1`;
      select.push(`(${code})::INTEGER AS ${quoteIdent(c.outputs[0])}`);
      continue;
    }
    c.categories.forEach((cat, i) => select.push(`${equals(cat)}::INTEGER AS ${quoteIdent(c.outputs[i])}`));
    if (c.infrequent.length > 0) {
      // At fit time every value is known: the infrequent ones are those no frequent category matches.
      const frequent = c.categories.map(equals);
      const expr = frequent.length === 0 ? 'true' : `NOT (${frequent.join(' OR ')})`;
      select.push(`(${expr})::INTEGER AS ${quoteIdent(c.outputs[c.categories.length])}`);
    }
  }

  return writeFittedTable(ctx, input, { spec: featureEncodeSpec, params, state }, select, sqlParams, 0.7);
};
