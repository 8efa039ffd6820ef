import { InferenceError } from '../inference/errors.js';
import { predictFile } from '../inference/predict-file.js';
import { ModelRefError, parseModelRef, resolveModelRef, type ResolvedModel } from '../registry/resolve.js';
import { CliInputError, openLineage } from './query-commands.js';

/**
 * `plumb predict MODEL --input CSV --out CSV`: MODEL is resolved through the registry (or is an
 * .onnx file), then the CSV is predicted in chunks by the inference layer, progress on stderr.
 * Loaded only by that command: onnxruntime is not started for the others.
 */
export interface PredictArgs {
  readonly model: string | undefined;
  readonly input: string | undefined;
  readonly out: string | undefined;
  readonly home: string | undefined;
  readonly chunkRows: number | undefined;
  readonly json: boolean;
}

/** Resolves MODEL (a registry reference or an .onnx file), then predicts the CSV in chunks with progress on stderr. */
export async function predictCommand(args: PredictArgs, signal: AbortSignal): Promise<number> {
  if (!args.model) throw new CliInputError('missing MODEL (a registry name, name:VERSION, name@STAGE, or an .onnx file)');
  if (!args.input) throw new CliInputError('missing --input CSV');
  if (!args.out) throw new CliInputError('missing --out CSV');
  const resolved = resolveForPredict(args.model, args.home);
  const label = resolved.name ? `${resolved.name} version ${resolved.version} (${resolved.stage})` : resolved.onnxPath;
  process.stderr.write(`predicting ${args.input} with ${label}\n`);
  let lastShown = -1;
  try {
    const result = await predictFile({
      model: resolved.onnxPath,
      input: args.input,
      out: args.out,
      ...(args.chunkRows ? { chunkRows: args.chunkRows } : {}),
      signal,
      onProgress: ({ rows, totalRows }) => {
        const pct = totalRows === 0 ? 100 : Math.floor((rows / totalRows) * 100);
        if (pct === lastShown) return;
        lastShown = pct;
        process.stderr.write(`predict: ${rows}/${totalRows} rows (${pct}%)\n`);
      },
    });
    const summary = {
      rows: result.rows,
      out: result.out,
      predictionColumns: result.predictionColumns,
      model: { name: resolved.name, version: resolved.version, stage: resolved.stage, onnx: resolved.onnxPath },
    };
    if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else process.stdout.write(`wrote ${result.rows} rows to ${result.out} (added ${result.predictionColumns.join(', ')})\n`);
    return 0;
  } catch (e) {
    if (e instanceof InferenceError) {
      // A model that cannot run, or a stop, is a failed run; anything about the inputs is bad input.
      if (e.code === 'run-failed' || e.code === 'aborted') {
        process.stderr.write(`plumb: ${e.message}\n`);
        return 1;
      }
      throw new CliInputError(e.message);
    }
    throw e;
  }
}

function resolveForPredict(ref: string, home: string | undefined): ResolvedModel {
  try {
    const parsed = parseModelRef(ref);
    // A file needs no state folder; a registry reference needs its lineage store.
    if ('path' in parsed) return resolveModelRef(null, ref);
    const { lineage } = openLineage(home);
    try {
      return resolveModelRef(lineage, ref);
    } finally {
      lineage.close();
    }
  } catch (e) {
    if (e instanceof ModelRefError) throw new CliInputError(e.message);
    throw e;
  }
}
