import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { quoteIdent, quoteOwnPath } from '../../src-main/data/duckdb.js';
import { parquetShape } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext, type StoredArtifact } from '../../src-main/engine/node-runner.js';
import { InferenceError } from '../../src-main/inference/errors.js';
import { columnFeedSpecs, feedsFromColumns, predictionColumns, type RawValue } from '../../src-main/inference/predict-rows.js';
import { runSession, SessionCache, type LoadedModel } from '../../src-main/inference/sessions.js';
import { parseModelArtifact, type ModelArtifact } from '../../src-main/ml/model-artifact.js';
import { appPredictions } from '../../src-main/onnx/parity.js';
import { unreplayableSteps } from '../../src-shared/transforms/chain.js';

/**
 * Batch prediction of a table. Why two paths: a trained model is scored by the app's own serving
 * code (applyChain + the estimator, as evaluate.model), so no export is needed to predict; an ONNX
 * artifact is scored by onnxruntime with the inference layer's feeds and readers, as it will be
 * served. Both read the Parquet input in chunks with DuckDB and append each chunk's predictions
 * to a side file; one DuckDB COPY then writes input + predictions side by side in row order.
 * (The inference layer's predictFile is CSV to CSV; a table artifact is Parquet, so the chunk
 * loop is here, sharing its feeds and output readers.)
 */

const DEFAULT_CHUNK_ROWS = 10_000;

type Row = Record<string, unknown>;

/** One chunk's predictions, column-major: label or value, and a probability per class. */
interface ChunkPredictions {
  readonly prediction: readonly (string | number | null)[];
  readonly probabilities: readonly (readonly number[])[];
}

interface Scorer {
  readonly task: 'classification' | 'regression';
  readonly classes: readonly string[];
  score(raw: readonly Row[], offset: number): Promise<ChunkPredictions>;
}

export const runDeployBatchPredict: NodeRunFn = async (ctx, inputs, params) => {
  const chunk = Number(params.chunk_rows ?? DEFAULT_CHUNK_ROWS);
  if (!Number.isInteger(chunk) || chunk < 1) throw new NodeError(`chunk_rows: ${String(params.chunk_rows)} is not a positive whole number`);
  const file = inputs.model.path.endsWith('.onnx')
    ? await withOnnxScorer(inputs.model, (scorer) => predictChunks(ctx, inputs.data, scorer, chunk))
    : await predictChunks(ctx, inputs.data, appScorer(await readModel(inputs.model)), chunk);
  return { predictions: { kind: 'table', file, ...(await parquetShape(ctx, file)) } };
};

/** Reads the data in chunks, scores each, and writes input + predictions; returns the Parquet file. */
async function predictChunks(ctx: RunContext, data: StoredArtifact, scorer: Scorer, chunk: number): Promise<string> {
  const totalRows = data.rows ?? 0;
  const taken = new Set((data.columns ?? []).map((c) => c.name));
  const unique = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const names = [unique('prediction'), ...(scorer.task === 'classification' ? scorer.classes.map((c) => unique(`p_${c}`)) : [])];

  const side = ctx.tempPath('.ndjson');
  const stream = createWriteStream(side, { encoding: 'utf8' });
  try {
    for (let offset = 0; offset < totalRows; offset += chunk) {
      ctx.progress(0.9 * (offset / totalRows), `predicting rows ${offset + 1}-${Math.min(totalRows, offset + chunk)} of ${totalRows}`);
      const raw = await ctx.db.objects('SELECT * FROM read_parquet($p) LIMIT $n OFFSET $o', { p: data.path, n: chunk, o: offset });
      const preds = await scorer.score(raw, offset);
      const lines = raw.map((_, i) => {
        const fields: Record<string, unknown> = { c0: preds.prediction[i] };
        preds.probabilities.forEach((col, k) => (fields[`c${k + 1}`] = Number.isFinite(col[i]) ? col[i] : null));
        return JSON.stringify(fields);
      });
      if (!stream.write(lines.join('\n') + '\n')) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } finally {
    stream.destroy();
  }
  ctx.progress(0.9, 'writing predictions');
  return joinPredictions(ctx, data.path, side, names, scorer.task, totalRows);
}

async function readModel(artifact: StoredArtifact): Promise<ModelArtifact> {
  const model = parseModelArtifact(await readFile(artifact.path, 'utf8'), 'the model input');
  const blocked = unreplayableSteps(model.chain);
  if (blocked.length > 0) {
    throw new NodeError(`the model's preprocessing has steps that cannot be replayed on new rows yet: ${blocked.map((s) => `${s.type} (node ${s.node})`).join(', ')}`);
  }
  return model;
}

/** The app's serving path: the chain on each raw row, then the estimator. */
function appScorer(model: ModelArtifact): Scorer {
  const classes = model.target.classes ?? [];
  return {
    task: model.estimator.task,
    classes,
    async score(raw) {
      const p = appPredictions(model, raw);
      if (model.estimator.task === 'regression') {
        return { prediction: p.scores.map((s) => (Number.isFinite(s[0]) ? s[0] : null)), probabilities: [] };
      }
      return {
        prediction: (p.labels ?? []).map((l) => (l === '' ? null : l)),
        probabilities: classes.map((_, k) => p.scores.map((s) => s[k])),
      };
    },
  };
}

/** onnxruntime on a Plumb-exported graph (one input per raw column, plumb.* metadata), for the span of `fn`. */
async function withOnnxScorer<T>(artifact: StoredArtifact, fn: (scorer: Scorer) => Promise<T>): Promise<T> {
  const cache = new SessionCache({ maxSessions: 1 });
  try {
    return await cache.use(artifact.path, (loaded) => fn(onnxScorer(loaded, artifact.path)));
  } catch (e) {
    if (e instanceof InferenceError) throw new NodeError(`model: ${e.message}`);
    throw e;
  } finally {
    await cache.dispose();
  }
}

function onnxScorer(loaded: LoadedModel, path: string): Scorer {
  const plumb = loaded.signature.plumb;
  if (!plumb) {
    throw new NodeError('model: this ONNX file was not exported by Plumb (no plumb.* metadata), so its columns are unknown; use "plumb predict" on a CSV for foreign models');
  }
  const specs = columnFeedSpecs(loaded.signature, plumb);
  const task = plumb.task ?? (loaded.signature.outputs.some((o) => o.name === 'variable') ? 'regression' : 'classification');
  const classes = plumb.classes ?? [];
  return {
    task,
    classes,
    async score(raw, offset) {
      const values: Record<string, RawValue[]> = {};
      for (const s of specs) values[s.column.name] = raw.map((r) => r[s.column.name] as RawValue);
      const feeds = feedsFromColumns(loaded.signature, specs, values, raw.length, (i) => `data row ${offset + i + 1}`);
      const cols = predictionColumns(await runSession(loaded, feeds), plumb, raw.length, path);
      if (cols.value) return { prediction: Array.from(cols.value, (v) => (Number.isFinite(v) ? v : null)), probabilities: [] };
      return {
        prediction: (cols.label ?? []).map((l) => (l === '' ? null : l)),
        probabilities: classes.map((c) => {
          const j = cols.probabilities?.classes.indexOf(c) ?? -1;
          return j < 0 ? raw.map(() => NaN) : Array.from(cols.probabilities!.values[j]);
        }),
      };
    },
  };
}

/** Input rows and their predictions side by side, in row order, as one Parquet file. */
async function joinPredictions(
  ctx: RunContext,
  dataPath: string,
  side: string,
  names: readonly string[],
  task: 'classification' | 'regression',
  totalRows: number,
): Promise<string> {
  const out = ctx.tempPath('.parquet');
  // Positional keys c0.. in the side file (ours, never user text), renamed on the way out.
  const types = names.map((_, k) => `c${k}: '${k === 0 && task === 'classification' ? 'VARCHAR' : 'DOUBLE'}'`).join(', ');
  const renamed = names.map((n, k) => `p.c${k} AS ${quoteIdent(n)}`).join(', ');
  const predictions =
    totalRows === 0
      ? `SELECT ${names.map((_, k) => `CAST(NULL AS ${k === 0 && task === 'classification' ? 'VARCHAR' : 'DOUBLE'}) AS c${k}`).join(', ')}, 0::BIGINT AS _row WHERE false`
      : `SELECT *, row_number() OVER () AS _row FROM read_json($side, format = 'newline_delimited', columns = {${types}})`;
  await ctx.db.run(
    `COPY (SELECT d.* EXCLUDE (_row), ${renamed}
           FROM (SELECT *, row_number() OVER () AS _row FROM read_parquet($d)) d
           JOIN (${predictions}) p USING (_row)
           ORDER BY _row) TO ${quoteOwnPath(out)} (FORMAT parquet)`,
    { d: dataPath, ...(totalRows === 0 ? {} : { side }) },
  );
  ctx.progress(1);
  return out;
}

