import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultHome } from '../composition.js';
import { ArtifactStore } from '../engine/artifact-store.js';
import { DEFAULT_MAX_CACHE_BYTES } from '../engine/engine.js';
import { collectGarbage } from '../engine/gc.js';
import { LineageStore } from '../lineage/lineage-store.js';
import type { LineageStep, NodeRunDetail, RunSummary } from '../lineage/types.js';

/** The read-side commands: they open the lineage store of a state folder and print from it. */
export class CliInputError extends Error {}

export function openLineage(home: string | undefined): { lineage: LineageStore; home: string } {
  const dir = resolve(home ?? defaultHome());
  const file = join(dir, 'lineage.db');
  if (!existsSync(file)) throw new CliInputError(`no lineage store in ${dir} (nothing has run there yet; --home or PLUMB_HOME names another)`);
  return { lineage: LineageStore.open(file), home: dir };
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const dur = (ms: number | null): string => (ms === null ? '-' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function printRuns(runs: readonly RunSummary[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(runs) + '\n');
    return;
  }
  if (runs.length === 0) process.stdout.write('no runs recorded\n');
  for (const r of runs) {
    process.stdout.write(
      `${r.runId}  ${time(r.startedAt)}  ${r.status.padEnd(11)} ${dur(r.ms).padStart(8)}  ${r.nodes} nodes (${r.cached} cached, ${r.failed} failed)  ${r.pipelineName}${r.error ? `  - ${r.error}` : ''}\n`,
    );
  }
}

/** A run as `plumb show` prints it: node statuses, artifacts, metrics, and each report's JSON. */
export async function showRun(lineage: LineageStore, runId: string, node: string | undefined) {
  const run = lineage.getRun(runId);
  if (!run) throw new CliInputError(`no run "${runId}" (plumb runs lists them)`);
  const nodeRuns = node ? run.nodeRuns.filter((n) => n.nodeId === node) : run.nodeRuns;
  if (node && nodeRuns.length === 0) throw new CliInputError(`run ${run.runId} has no node "${node}"`);
  const nodes = await Promise.all(nodeRuns.map(async (n) => ({ ...n, reports: await reportsOf(n) })));
  return { ...run, nodeRuns: nodes };
}

async function reportsOf(n: NodeRunDetail): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const o of n.outputs) {
    if (o.kind !== 'report') continue;
    try {
      out[o.port] = JSON.parse(await readFile(o.path, 'utf8')) as unknown;
    } catch {
      out[o.port] = null; // evicted from the cache; its lineage remains
    }
  }
  return out;
}

export function printShow(run: Awaited<ReturnType<typeof showRun>>, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(run) + '\n');
    return;
  }
  process.stdout.write(`run ${run.runId}: ${run.status} (${dur(run.ms)}) ${run.pipelineName} [${run.mode}${run.target ? ` ${run.target}` : ''}]\n`);
  process.stdout.write(`  document ${run.documentHash.slice(0, 12)}${run.documentPath ? ` ${run.documentPath}` : ''}; app ${run.env.app}, node ${run.env.node}, duckdb ${run.env.duckdb}, ${run.env.os}\n`);
  if (run.error) process.stdout.write(`  error: ${run.error}\n`);
  for (const n of run.nodeRuns) {
    process.stdout.write(`  ${n.nodeId} (${n.nodeType}@${n.typeVersion}): ${n.status}${n.cacheHit ? ' (cache hit)' : ''} ${dur(n.ms)}\n`);
    if (n.error) process.stdout.write(`    error: ${n.error.message}\n`);
    for (const o of n.outputs) {
      process.stdout.write(`    out ${o.port}: ${o.kind} ${o.hash.slice(0, 12)} ${o.bytes} bytes${o.rows !== undefined ? `, ${o.rows} rows` : ''}\n`);
    }
    for (const m of n.metrics) process.stdout.write(`    metric ${m.name}${m.step !== undefined ? `[${m.step}]` : ''} = ${m.value}\n`);
  }
}

export function printLineage(subject: string, graph: { upstream: readonly LineageStep[]; downstream: readonly LineageStep[] }, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ subject, ...graph }) + '\n');
    return;
  }
  const line = (s: LineageStep): string => {
    const ins = s.inputs.map((a) => `${a.port}=${a.kind === 'file' ? a.path : `${a.kind}:${a.hash.slice(0, 12)}`}`).join(', ') || '-';
    const outs = s.outputs.map((a) => `${a.port}=${a.kind}:${a.hash.slice(0, 12)}`).join(', ') || '-';
    return `  ${s.nodeId} (${s.nodeType}, run ${s.runId}): ${ins} -> ${outs}\n`;
  };
  process.stdout.write(`upstream of ${subject}:\n`);
  for (const s of graph.upstream) process.stdout.write(line(s));
  process.stdout.write(`downstream of ${subject}:\n`);
  for (const s of graph.downstream) process.stdout.write(line(s));
}

export async function gc(lineage: LineageStore, home: string, maxBytes: number | undefined) {
  const store = new ArtifactStore(home);
  await store.init();
  return collectGarbage(store, lineage, { maxBytes: maxBytes ?? DEFAULT_MAX_CACHE_BYTES });
}
