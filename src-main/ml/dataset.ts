import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { quoteIdent } from '../data/duckdb.js';
import { NodeError, type RunContext, type StoredArtifact } from '../engine/node-runner.js';
import type { Matrix, Target, Task } from './estimator.js';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

export interface TrainingData {
  readonly X: Matrix;
  readonly y: Target;
  readonly features: readonly ColumnSchema[];
  readonly target: ColumnSchema;
}

/**
 * Reads a table artifact into column-major typed arrays for an estimator. Refuses, naming the
 * columns, what an estimator cannot take: text features (encode them first), missing values
 * (impute them first) and missing target values. Nothing is dropped silently.
 */
export async function loadTrainingData(
  ctx: RunContext,
  table: StoredArtifact,
  opts: { target: string; features: readonly string[]; task: Task },
): Promise<TrainingData> {
  const columns = table.columns ?? [];
  const target = columns.find((c) => c.name === opts.target);
  if (!target) throw new NodeError(`target: column "${opts.target}" is not in the input (its columns: ${columns.map((c) => c.name).join(', ')})`);
  const wanted = opts.features.length > 0 ? opts.features : columns.filter((c) => c.name !== opts.target).map((c) => c.name);
  const missing = wanted.filter((f) => !columns.some((c) => c.name === f));
  if (missing.length > 0) throw new NodeError(`features: ${missing.map((m) => `"${m}"`).join(', ')} not in the input`);
  if (wanted.includes(opts.target)) throw new NodeError(`features: the target "${opts.target}" cannot also be a feature`);
  const features = wanted.map((f) => columns.find((c) => c.name === f)!);
  const text = features.filter((c) => !NUMERIC.test(c.type) && c.type !== 'BOOLEAN');
  if (text.length > 0) {
    throw new NodeError(
      `features: ${text.map((c) => `"${c.name}" (${c.type})`).join(', ')} ${text.length === 1 ? 'is' : 'are'} not numeric: ` +
        'encode them first (feature.encode), or leave them out of Features',
    );
  }

  // Missing values: counted in SQL, refused with the count per column.
  const nullCounts = await ctx.db.objects(
    `SELECT ${[...features, target].map((c, i) => `count(*) - count(${quoteIdent(c.name)}) AS n${i}`).join(', ')} FROM read_parquet($path)`,
    { path: table.path },
  );
  const withNulls = [...features, target].flatMap((c, i) => {
    const n = Number(nullCounts[0][`n${i}`]);
    return n > 0 ? [`"${c.name}" (${n} rows)`] : [];
  });
  if (withNulls.length > 0) {
    throw new NodeError(`missing values in ${withNulls.join(', ')}: impute them first (feature.impute) or filter those rows out`);
  }

  const select = [...features.map((c) => `${quoteIdent(c.name)}::DOUBLE`), opts.task === 'classification' ? `${quoteIdent(target.name)}::VARCHAR` : `${quoteIdent(target.name)}::DOUBLE`];
  const reader = await ctx.db.columns(`SELECT ${select.join(', ')} FROM read_parquet($path)`, { path: table.path });
  const rows = reader.length > 0 ? reader[0].length : 0;
  const X: Matrix = { rows, names: features.map((c) => c.name), columns: reader.slice(0, features.length).map((col) => Float64Array.from(col as number[])) };
  const rawTarget = reader[features.length];
  let y: Target;
  if (opts.task === 'classification') {
    const classes = [...new Set(rawTarget as string[])].sort();
    if (classes.length < 2) throw new NodeError(`target: "${target.name}" has ${classes.length} class; a classifier needs at least 2`);
    const code = new Map(classes.map((c, i) => [c, i]));
    y = { values: Float64Array.from(rawTarget as string[], (v) => code.get(v)!), classes };
  } else {
    if (!NUMERIC.test(target.type)) throw new NodeError(`target: "${target.name}" is ${target.type}; a regressor needs a numeric target`);
    y = { values: Float64Array.from(rawTarget as number[]) };
  }
  return { X, y, features, target };
}
