import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PlumbEvent } from '../../src-shared/api/contract.js';
import { BUNDLE_EXTENSION } from '../../src-shared/bundle/bundle-format.js';
import { specInfo } from '../../src-shared/nodes/spec.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { formatProblem, hasErrors } from '../../src-shared/problems.js';
import { catalogue } from '../../nodes/index.js';
import { createPlumbApp, defaultHome } from '../composition.js';
import { startHttpHost } from '../hosts/http/server.js';
import { CliInputError, gc, openLineage, printLineage, printRuns, printShow, showRun } from './query-commands.js';
import { modelsCommand, stageCommand } from './registry-commands.js';

/**
 * The `plumb` command line (DESIGN.md section 10). Exit codes are a public contract:
 * 0 success, 1 the run failed, 2 bad input or usage, always with a one-line reason on stderr.
 */
class UsageError extends Error {}

const USAGE = `Usage: plumb <command> [options]

Commands:
  run FILE [--home DIR] [--until NODE] [--force] [--json]   run a pipeline
  run FILE --only NODE --store DIR --run RUN_ID [--json]     run one node as a cluster step (docs/cluster.md)
  compile FILE --target argo --image IMAGE --store DIR       an Argo Workflow manifest, one step per node
         [--namespace NS] [--pvc NAME] [--out FILE]
  compile FILE --target local --store DIR [--parallelism N]  run those steps here, one process each
         [--run RUN_ID] [--json]
  sync --store DIR [--home DIR] [--json]                     import a store's step records as local runs
  validate FILE [--json]                                     check graph, params and schemas
  nodes [--json]                                             list the node catalogue
  runs [--home DIR] [--pipeline ID] [--limit N] [--json]    list recorded runs, newest first
  show RUN [--node ID] [--home DIR] [--json]                 a run: nodes, artifacts, metrics, reports
  lineage ID [--home DIR] [--json]                           upstream and downstream of a run or artifact
  gc [--max-bytes N] [--home DIR] [--json]                   evict least recently used cached artifacts
  models [NAME] [--home DIR] [--json]                        registered models; with NAME its versions and audit trail
  stage NAME VERSION STAGE --comment TEXT [--home DIR]       move a version to none, staging, production or archived
  predict MODEL --input CSV --out CSV [--home DIR]           predict a CSV with a registered model or an .onnx file
         [--chunk-rows N] [--json]                           (MODEL: name = its production version, name:3, name@staging, file.onnx)
  diff A B [--json]                                          what changed from pipeline A to B (.plumb or .plumbz), positions ignored
  diff FILE [--json]                                         what changed in FILE since its last git commit (HEAD)
  export FILE --out BUNDLE [--with-models] [--no-samples]    write a review bundle (.plumbz) of FILE and its last run
         [--no-samples-for N1,N2] [--home DIR] [--json]      (no data, at most 100 sample rows per table)
  open BUNDLE [--home DIR] [--json]                          verify a review bundle and print its summary
  serve [FILE] [--port N] [--home DIR]                       start the browser host (FILE: a .plumb or .plumbz)
  serve-model MODEL [--port N] [--no-token] [--home DIR]     serve a registered model on 127.0.0.1; prints its URL and token
         [--canary V --canary-percent P] [--ab V --ab-percent P] [--shadow V] [--json]   (plumb serve-model --help: all options)
`;

/** Commands of the public contract that later versions implement; named so users are not puzzled. */
const PLANNED = new Set<string>([]);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        if (rest.some((a) => a === '--only' || a.startsWith('--only='))) return await (await import('./cluster-commands.js')).stepCommand(rest);
        return await runCommand(rest);
      case 'compile':
        return await (await import('./cluster-commands.js')).compileCommand(rest);
      case 'sync':
        return await (await import('./cluster-commands.js')).syncCommand(rest);
      case 'validate':
        return await validateCommand(rest);
      case 'nodes':
        return nodesCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'runs':
        return runsCommand(rest);
      case 'show':
        return await showCommand(rest);
      case 'lineage':
        return lineageCommand(rest);
      case 'gc':
        return await gcCommand(rest);
      case 'models':
        return modelsCliCommand(rest);
      case 'stage':
        return stageCliCommand(rest);
      case 'predict':
        return await predictCliCommand(rest);
      case 'serve-model': {
        const { serveModelCommand } = await import('./serve-model-command.js');
        return await serveModelCommand(rest);
      }
      case 'export':
        return await exportCliCommand(rest);
      case 'open':
        return await openCliCommand(rest);
      case 'diff': {
        const { values, positionals } = args(rest, { json: { type: 'boolean' } });
        const { diffCommand } = await import('./diff-command.js');
        return await diffCommand({ files: positionals, json: values.json === true }, (text) => process.stdout.write(text));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        if (PLANNED.has(command)) throw new UsageError(`"plumb ${command}" is not available in this version yet`);
        throw new UsageError(`unknown command "${command}" (try: plumb help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliInputError) {
      process.stderr.write(`plumb: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`plumb: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

/** Reads and structurally checks a pipeline file; every refusal is a one-line UsageError. */
async function loadFile(file: string | undefined): Promise<PipelineDocument> {
  if (!file) throw new UsageError('missing FILE');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const loaded = parsePipelineText(text);
  if (!loaded.ok) throw new UsageError(`${file} ${loaded.reason}`);
  return loaded.document;
}

async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, { json: { type: 'boolean' } });
  const file = positionals[0];
  const document = await loadFile(file);
  const { problems } = checkGraph(document, catalogue);
  const ok = !hasErrors(problems);
  if (values.json) {
    process.stdout.write(JSON.stringify({ file, ok, problems }) + '\n');
  } else {
    for (const p of problems) process.stdout.write(`${file}: ${formatProblem(p)}\n`);
    if (ok) process.stdout.write(`${file}: ok (${document.nodes.length} nodes, ${document.edges.length} edges)\n`);
  }
  if (!ok) {
    const errors = problems.filter((p) => p.severity === 'error');
    process.stderr.write(`plumb: ${file} has ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
    return 2;
  }
  return 0;
}

async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    json: { type: 'boolean' },
    home: { type: 'string' },
    until: { type: 'string' },
    force: { type: 'boolean' },
  });
  const file = positionals[0];
  const document = await loadFile(file);
  const errors = checkGraph(document, catalogue).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    for (const p of errors) process.stderr.write(`${file}: ${formatProblem(p)}\n`);
    throw new UsageError(`${file} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; run "plumb validate ${file}"`);
  }
  if (values.until && !document.nodes.some((n) => n.id === values.until)) {
    throw new UsageError(`--until: no node "${values.until}" in ${file}`);
  }

  const home = values.home ?? defaultHome();
  const service = await createPlumbApp({ home, abilities: { host: 'browser' }, initialPath: null });
  const json = values.json === true;
  const finished = new Promise<PlumbEvent & { event: 'run' }>((done) => {
    service.onEvent((e) => {
      if (e.event === 'node' && isFinal(e.status)) {
        if (json) {
          const line = { event: 'node', node: e.node, status: e.status, cached: e.cached, ms: e.ms ?? 0, ...(e.error ? { error: e.error } : {}) };
          process.stdout.write(JSON.stringify(line) + '\n');
        }
        process.stderr.write(`${e.node}: ${e.status}${e.ms !== undefined ? ` (${e.ms} ms)` : ''}${e.error ? ` - ${e.error}` : ''}\n`);
      } else if (e.event === 'progress') {
        process.stderr.write(`${e.node}: ${Math.round(e.progress * 100)}%${e.message ? ` ${e.message}` : ''}\n`);
      } else if (e.event === 'log' && e.level !== 'debug') {
        process.stderr.write(`${e.node ?? 'run'}: ${e.level}: ${e.message.split('\n')[0]}\n`);
      } else if (e.event === 'run' && e.status !== 'running') {
        done(e);
      }
    });
  });
  const { runId } = (await service.call('run.start', {
    document,
    path: file,
    ...(values.until ? { until: values.until } : {}),
    force: values.force === true,
  })) as { runId: string };
  process.stderr.write(`run ${runId} started (state folder ${home})\n`);
  const cancel = (): void => {
    process.stderr.write('plumb: cancelling...\n');
    void service.call('run.cancel', { runId });
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  const result = await finished;
  if (json) process.stdout.write(JSON.stringify({ event: 'run', run: result.run, status: result.status }) + '\n');
  process.stderr.write(`run ${result.run}: ${result.status}${result.error ? ` - ${result.error}` : ''}\n`);
  try {
    await service.dispose();
  } catch (e) {
    // The run is recorded; a failure to close cleanly is worth a line but not a different outcome.
    process.stderr.write(`plumb: warning: closing the state folder failed: ${(e as Error).message}\n`);
  }
  return result.status === 'succeeded' ? 0 : 1;
}

const isFinal = (s: string): boolean => ['succeeded', 'cached', 'failed', 'cancelled', 'skipped'].includes(s);

function nodesCommand(argv: string[]): number {
  const { values } = args(argv, { json: { type: 'boolean' } });
  if (values.json) {
    process.stdout.write(JSON.stringify(catalogue.specs.map(specInfo), null, 2) + '\n');
    return 0;
  }
  for (const s of catalogue.specs) {
    const ports = (list: readonly { name: string; type: string }[]) => list.map((p) => `${p.name}:${p.type}`).join(', ') || '-';
    process.stdout.write(`${s.type}@${s.version}  ${s.title} [${s.category}]\n`);
    process.stdout.write(`    ${s.summary}\n    in: ${ports(s.inputs)}  out: ${ports(s.outputs)}\n`);
    process.stdout.write(`    params: ${s.params.map((p) => `${p.name}${p.required ? '*' : ''}`).join(', ') || '-'}\n`);
  }
  return 0;
}

function runsCommand(argv: string[]): number {
  const { values } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' }, pipeline: { type: 'string' }, limit: { type: 'string' } });
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: "${values.limit}" is not a positive whole number`);
  const { lineage } = openLineage(values.home);
  try {
    printRuns(lineage.listRuns({ pipelineId: values.pipeline, limit }), values.json === true);
  } finally {
    lineage.close();
  }
  return 0;
}

async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' }, node: { type: 'string' } });
  if (!positionals[0]) throw new UsageError('missing RUN (plumb runs lists them)');
  const { lineage } = openLineage(values.home);
  try {
    printShow(await showRun(lineage, positionals[0], values.node), values.json === true);
  } finally {
    lineage.close();
  }
  return 0;
}

function lineageCommand(argv: string[]): number {
  const { values, positionals } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' } });
  const subject = positionals[0];
  if (!subject) throw new UsageError('missing ID (a run id or an artifact hash)');
  const { lineage } = openLineage(values.home);
  try {
    const graph = lineage.lineage(subject);
    if (!graph) throw new UsageError(`no run or artifact "${subject}"`);
    printLineage(subject, graph, values.json === true);
  } finally {
    lineage.close();
  }
  return 0;
}

async function gcCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' }, 'max-bytes': { type: 'string' } });
  const raw = values['max-bytes'];
  const maxBytes = raw === undefined ? undefined : Number(raw);
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0)) throw new UsageError(`--max-bytes: "${raw}" is not a byte count`);
  const { lineage, home } = openLineage(values.home);
  try {
    const result = await gc(lineage, home, maxBytes);
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
    else process.stdout.write(`evicted ${result.evicted} artifacts (${result.freedBytes} bytes); ${result.keptBytes} bytes kept, ${result.pinnedBytes} pinned by registered models\n`);
  } finally {
    lineage.close();
  }
  return 0;
}

function modelsCliCommand(argv: string[]): number {
  const { values, positionals } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError('plumb models takes at most one NAME');
  const { lineage } = openLineage(values.home);
  try {
    modelsCommand(lineage, positionals[0], values.json === true);
  } finally {
    lineage.close();
  }
  return 0;
}

function stageCliCommand(argv: string[]): number {
  const { values, positionals } = args(argv, { json: { type: 'boolean' }, home: { type: 'string' }, comment: { type: 'string' } });
  if (positionals.length !== 3) throw new UsageError('usage: plumb stage NAME VERSION STAGE --comment TEXT');
  const [name, version, stage] = positionals;
  const { lineage } = openLineage(values.home);
  try {
    stageCommand(lineage, { name, version, stage, ...(values.comment !== undefined ? { comment: values.comment } : {}), json: values.json === true });
  } finally {
    lineage.close();
  }
  return 0;
}

async function predictCliCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    json: { type: 'boolean' },
    home: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    'chunk-rows': { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError(`plumb predict takes one MODEL, got ${positionals.length}`);
  const raw = values['chunk-rows'];
  const chunkRows = raw === undefined ? undefined : Number(raw);
  if (chunkRows !== undefined && (!Number.isInteger(chunkRows) || chunkRows < 1)) throw new UsageError(`--chunk-rows: "${raw}" is not a positive whole number`);
  const abort = new AbortController();
  const stop = (): void => {
    process.stderr.write('plumb: stopping...\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { predictCommand } = await import('./predict-command.js');
  try {
    return await predictCommand({ model: positionals[0], input: values.input, out: values.out, home: values.home, chunkRows, json: values.json === true }, abort.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function exportCliCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    out: { type: 'string' },
    'with-models': { type: 'boolean' },
    'no-samples': { type: 'boolean' },
    'no-samples-for': { type: 'string' },
    home: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('usage: plumb export FILE --out BUNDLE [--with-models] [--no-samples] [--no-samples-for N1,N2]');
  if (!values.out) throw new UsageError('missing --out BUNDLE (a .plumbz file)');
  const { exportCommand } = await import('./bundle-commands.js');
  return exportCommand({
    file: positionals[0],
    out: values.out,
    withModels: values['with-models'] === true,
    samples: values['no-samples'] !== true,
    noSamplesFor: (values['no-samples-for'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    home: values.home,
    json: values.json === true,
  });
}

async function openCliCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, { home: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: plumb open BUNDLE [--home DIR] [--json]');
  const { openCommand } = await import('./bundle-commands.js');
  return openCommand({ bundle: positionals[0], home: values.home, json: values.json === true });
}

async function verifyBundleFile(path: string): Promise<void> {
  const { loadBundleDocument } = await import('../bundle/open-bundle.js');
  const { BundleError } = await import('../bundle/bundle-error.js');
  try {
    await loadBundleDocument(path);
  } catch (e) {
    if (e instanceof BundleError) throw new UsageError(e.message);
    throw e;
  }
}

async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, { port: { type: 'string' }, home: { type: 'string' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${values.port}" is not a port number`);
  const initialPath = positionals[0] ?? null;
  // A bundle opens in review mode; it is verified here so a bad one is refused before the host starts.
  if (initialPath?.endsWith(BUNDLE_EXTENSION)) await verifyBundleFile(initialPath);
  else if (initialPath) await loadFile(initialPath);
  const service = await createPlumbApp({ home: values.home ?? defaultHome(), abilities: { host: 'browser' }, initialPath, serveFromNodes: true });
  const host = await startHttpHost({
    service,
    port,
    staticDir: fileURLToPath(new URL('../../dist', import.meta.url)),
  });
  process.stdout.write(`Plumb is running at ${host.appUrl}\n`);
  process.stdout.write('Open that address in a browser; press Ctrl+C to stop.\n');
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await service.dispose();
  return 0;
}
