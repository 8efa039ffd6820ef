import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { catalogue } from '../../nodes/index.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { formatProblem } from '../../src-shared/problems.js';
import { DirStore } from '../cluster/dir-store.js';
import { runStep, StepInputError } from '../cluster/step.js';
import { StoreError } from '../cluster/store.js';
import { CliInputError } from './query-commands.js';

/**
 * The cluster commands: step mode (`plumb run --only`), `plumb compile` (argo, local) and
 * `plumb sync`. Bad input throws CliInputError (exit 2, one line); a failed step returns 1.
 */

function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliInputError((e as Error).message.split('\n')[0]);
  }
}

/** Reads a pipeline and refuses one with graph errors, naming the file. */
export async function loadPipeline(file: string | undefined): Promise<{ file: string; document: PipelineDocument; text: string }> {
  if (!file) throw new CliInputError('missing FILE');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliInputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const loaded = parsePipelineText(text);
  if (!loaded.ok) throw new CliInputError(`${file} ${loaded.reason}`);
  const errors = checkGraph(loaded.document, catalogue).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    for (const p of errors) process.stderr.write(`${file}: ${formatProblem(p)}\n`);
    throw new CliInputError(`${file} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; run "plumb validate ${file}"`);
  }
  return { file, document: loaded.document, text };
}

/** Opens a directory store, turning "cannot write there" into a one-line input error. */
export async function openStore(dir: string | undefined): Promise<DirStore> {
  if (!dir) throw new CliInputError('missing --store DIR (the folder steps share; on a cluster, the mounted volume)');
  const store = new DirStore(dir);
  try {
    await store.init();
  } catch (e) {
    if (e instanceof StoreError) throw new CliInputError(e.message);
    throw e;
  }
  return store;
}

/** `plumb run FILE --only NODE --store STORE --run RUN_ID [--json]`. */
export async function stepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    only: { type: 'string' },
    store: { type: 'string' },
    run: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliInputError('usage: plumb run FILE --only NODE --store DIR --run RUN_ID [--json]');
  if (!values.only) throw new CliInputError('missing --only NODE');
  if (!values.run) throw new CliInputError('missing --run RUN_ID (every step of one workflow passes the same id)');
  const { file, document } = await loadPipeline(positionals[0]);
  if (!document.nodes.some((n) => n.id === values.only)) throw new CliInputError(`--only: no node "${values.only}" in ${file}`);
  const store = await openStore(values.store);
  const abort = new AbortController();
  const stop = (): void => {
    process.stderr.write('plumb: cancelling the step...\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { record } = await runStep({
      document,
      path: file,
      node: values.only,
      runId: values.run,
      store,
      catalogue,
      log: (line) => process.stderr.write(`${line}\n`),
      signal: abort.signal,
    });
    const ok = record.status === 'succeeded' || record.status === 'cached';
    if (values.json) {
      const line = { event: 'node', node: record.node, status: record.status, cached: record.cached, ms: record.ms, ...(record.error ? { error: record.error.message } : {}) };
      process.stdout.write(JSON.stringify(line) + '\n');
      process.stdout.write(JSON.stringify({ event: 'run', run: record.runId, status: ok ? 'succeeded' : 'failed' }) + '\n');
    }
    process.stderr.write(`${record.node}: ${record.status} (${record.ms} ms)${record.error ? ` - ${record.error.message}` : ''}\n`);
    return ok ? 0 : 1;
  } catch (e) {
    if (e instanceof StepInputError || e instanceof StoreError) {
      process.stderr.write(`plumb: step ${values.only} of run ${values.run}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const TARGETS = ['argo', 'local'] as const;

/** `plumb compile FILE --target argo|local ...`. */
export async function compileCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    target: { type: 'string' },
    image: { type: 'string' },
    store: { type: 'string' },
    namespace: { type: 'string' },
    pvc: { type: 'string' },
    out: { type: 'string' },
    parallelism: { type: 'string' },
    run: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliInputError('usage: plumb compile FILE --target argo|local --store DIR [...] (plumb help)');
  const target = values.target;
  if (!target) throw new CliInputError(`missing --target (one of: ${TARGETS.join(', ')})`);
  if (!(TARGETS as readonly string[]).includes(target)) throw new CliInputError(`unknown target "${target}" (known: ${TARGETS.join(', ')})`);
  const parallelism = values.parallelism === undefined ? undefined : Number(values.parallelism);
  if (parallelism !== undefined && (!Number.isInteger(parallelism) || parallelism < 1)) throw new CliInputError(`--parallelism: "${values.parallelism}" is not a positive whole number`);
  const { file, document } = await loadPipeline(positionals[0]);
  if (target === 'argo') {
    if (!values.image) throw new CliInputError('missing --image IMAGE (the runner image, built from deploy/Dockerfile and pushed where the cluster can pull it)');
    if (!values.store) throw new CliInputError('missing --store DIR (where the store volume is mounted in each pod, e.g. /store)');
    const { compileArgo, CompileError } = await import('../cluster/argo.js');
    let manifest: Awaited<ReturnType<typeof compileArgo>>;
    try {
      manifest = compileArgo(document, catalogue, {
        image: values.image,
        store: values.store,
        ...(values.namespace ? { namespace: values.namespace } : {}),
        ...(values.pvc ? { pvc: values.pvc } : {}),
        ...(parallelism ? { parallelism } : {}),
      });
    } catch (e) {
      if (e instanceof CompileError) throw new CliInputError(e.message);
      throw e;
    }
    for (const w of manifest.warnings) process.stderr.write(`plumb: warning: ${w}\n`);
    if (values.out) {
      const { writeFileAtomic } = await import('../util/files.js');
      try {
        await writeFileAtomic(values.out, manifest.yaml);
      } catch (e) {
        throw new CliInputError(`--out ${values.out}: ${(e as Error).message}`);
      }
      process.stderr.write(`wrote ${values.out} (${document.nodes.length} steps); submit it with: argo submit ${values.out}\n`);
    } else {
      process.stdout.write(manifest.yaml);
    }
    return 0;
  }
  return await localTarget(file, document, { store: values.store, parallelism: parallelism ?? 2, run: values.run, json: values.json === true });
}

async function localTarget(file: string, document: PipelineDocument, o: { store: string | undefined; parallelism: number; run: string | undefined; json: boolean }): Promise<number> {
  const { resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { randomUUID } = await import('node:crypto');
  const { runLocal } = await import('../cluster/local-target.js');
  const store = await openStore(o.store);
  const runId = o.run ?? `run_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
  process.stderr.write(`run ${runId}: ${document.nodes.length} steps, at most ${o.parallelism} at once, store ${store.location}\n`);
  const result = await runLocal({
    document,
    file: resolve(file),
    store,
    runId,
    parallelism: o.parallelism,
    plumb: [process.execPath, fileURLToPath(new URL('../../bin/plumb.js', import.meta.url))],
    onLine: (line) => process.stderr.write(`${line}\n`),
    onStep: (s) => {
      process.stderr.write(`step ${s.node}: ${s.status} (${s.ms} ms)${s.error ? ` - ${s.error}` : ''}\n`);
      if (o.json) process.stdout.write(JSON.stringify({ event: 'node', node: s.node, status: s.status, cached: s.cached, ms: s.ms, ...(s.error ? { error: s.error } : {}) }) + '\n');
    },
  });
  if (o.json) process.stdout.write(JSON.stringify({ event: 'run', run: runId, status: result.status }) + '\n');
  if (result.status === 'failed') {
    const first = result.failed[0];
    process.stderr.write(`plumb: run ${runId} failed: ${first ? `step "${first.node}" failed: ${first.error ?? ''}` : 'not every step ran'}\n`);
    return 1;
  }
  process.stderr.write(`run ${runId}: succeeded (plumb sync --store ${o.store} imports it)\n`);
  return 0;
}

/** `plumb sync --store DIR [--home DIR] [--json]`. */
export async function syncCommand(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, { store: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new CliInputError('usage: plumb sync --store DIR [--home DIR] [--json]');
  const { existsSync } = await import('node:fs');
  if (values.store && !existsSync(values.store)) throw new CliInputError(`--store ${values.store}: no such folder`);
  const store = await openStore(values.store);
  const { resolve } = await import('node:path');
  const { defaultHome } = await import('../composition.js');
  const { ArtifactStore } = await import('../engine/artifact-store.js');
  const { LineageStore } = await import('../lineage/lineage-store.js');
  const { syncStore } = await import('../cluster/sync.js');
  const home = resolve(values.home ?? defaultHome());
  const artifacts = new ArtifactStore(home);
  await artifacts.init();
  const lineage = LineageStore.open(`${home}/lineage.db`);
  try {
    const result = await syncStore(store, lineage, artifacts);
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      for (const r of result.imported) process.stdout.write(`imported ${r.runId}: ${r.status}, ${r.nodes} nodes\n`);
      for (const r of result.skipped) process.stdout.write(`skipped ${r.runId}: ${r.reason}\n`);
      if (result.imported.length === 0 && result.skipped.length === 0) process.stdout.write(`no runs in ${store.location}\n`);
    }
  } finally {
    lineage.close();
  }
  return 0;
}
