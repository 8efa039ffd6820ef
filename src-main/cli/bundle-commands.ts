import { API, type ApiResponse } from '../../src-shared/api/contract.js';
import type { OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import { catalogue } from '../../nodes/index.js';
import { ApiCallError } from '../api/api-service.js';
import { BundleError } from '../bundle/bundle-error.js';
import { openBundle } from '../bundle/open-bundle.js';
import { createPlumbApp, defaultHome } from '../composition.js';
import { CliInputError } from './query-commands.js';

/** `plumb export` and `plumb open`: review bundles from the command line (issue 9). */

export interface ExportOptions {
  readonly file: string;
  readonly out: string;
  readonly withModels: boolean;
  readonly samples: boolean;
  readonly noSamplesFor: readonly string[];
  readonly home: string | undefined;
  readonly json: boolean;
}

/** Exports through the service's own handler, so the bundle holds what the app would show. */
export async function exportCommand(opts: ExportOptions): Promise<number> {
  const home = opts.home ?? defaultHome();
  const service = await createPlumbApp({ home, abilities: { host: 'browser' }, initialPath: null, workers: 1 });
  let result: ApiResponse<'bundle.export'>;
  try {
    result = API['bundle.export'].response.parse(
      await service.call('bundle.export', {
        path: opts.file,
        out: opts.out,
        withModels: opts.withModels,
        samples: opts.samples,
        ...(opts.noSamplesFor.length > 0 ? { noSamples: [...opts.noSamplesFor] } : {}),
      }),
    );
  } catch (e) {
    // Every refusal of an export is about its input: the file, the target or the options.
    if (e instanceof ApiCallError) throw new CliInputError(e.message);
    throw e;
  } finally {
    await service.dispose();
  }
  for (const w of result.warnings) process.stderr.write(`plumb: warning: ${w}\n`);
  if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(`wrote ${result.out} (${result.bytes} bytes, ${result.entries} entries, sha256 ${result.sha256.slice(0, 16)})\n`);
  return 0;
}

/** Verifies a bundle and prints its summary; a bundle that fails verification is bad input (exit 2). */
export async function openCommand(opts: { readonly bundle: string; readonly home: string | undefined; readonly json: boolean }): Promise<number> {
  let opened: OpenedBundle;
  try {
    opened = (await openBundle({ path: opts.bundle }, { home: opts.home ?? defaultHome(), catalogue })).opened;
  } catch (e) {
    if (e instanceof BundleError) throw new CliInputError(e.message);
    throw e;
  }
  if (opts.json) {
    const { responses, document, ...rest } = opened;
    process.stdout.write(JSON.stringify({ ...rest, pipeline: { id: document.id, name: document.name, nodes: document.nodes.length }, responses: responses.length }) + '\n');
  } else {
    printOpened(opened);
  }
  return 0;
}

function printOpened(b: OpenedBundle): void {
  const w = (line: string): boolean => process.stdout.write(line + '\n');
  const m = b.manifest;
  w(`bundle ${b.path}: verified (${m.entries.length + 1} entries, sha256 ${b.sha256.slice(0, 16)}), made by Plumb ${m.appVersion} at ${m.createdAt}`);
  if (m.derivedFrom) w(`  saved from bundle ${m.derivedFrom.slice(0, 16)} with review comments`);
  w(`pipeline ${b.document.name} (${b.document.id}): ${b.document.nodes.length} nodes, ${b.document.edges.length} edges`);
  const s = b.summary;
  if (!s) w('run: none (the pipeline had not run when it was exported)');
  else {
    w(`run ${s.runId}: ${s.status}${s.ms !== null ? ` (${s.ms} ms)` : ''}`);
    const idWidth = Math.max(...s.nodes.map((n) => n.id.length));
    const typeWidth = Math.max(...s.nodes.map((n) => n.type.length));
    for (const n of s.nodes) {
      const metrics = Object.entries(n.metrics).map(([k, v]) => `${k}=${round(v)}`).join(' ');
      const ms = n.ms !== null ? `${n.ms} ms` : '-';
      w(`  ${n.id.padEnd(idWidth)}  ${n.type.padEnd(typeWidth)}  ${n.status.padEnd(9)} ${n.cached ? 'cached' : '      '} ${ms.padStart(9)}${metrics ? `  ${metrics}` : ''}`);
      if (n.error) w(`    error: ${n.error}`);
    }
  }
  for (const model of b.models) {
    const metrics = Object.entries(model.metrics).map(([k, v]) => `${k}=${round(v)}`).join(' ');
    w(`model ${model.name} v${model.version} (${model.stage})${metrics ? ` ${metrics}` : ''}: ${model.extractedPath ? `ONNX extracted to ${model.extractedPath}` : 'card only, no ONNX in the bundle'}`);
  }
  w(`comments: ${b.comments.length}`);
  for (const warning of b.warnings) w(`warning: ${warning}`);
}

const round = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
