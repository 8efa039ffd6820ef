import type { PipelineDiff } from '../../src-shared/pipeline/diff-format.js';
import { diffPipelines, formatValueChange } from '../../src-shared/pipeline/diff.js';
import type { PipelineEdge } from '../../src-shared/pipeline/document.js';
import { ApiCallError } from '../api/api-service.js';
import { loadDiffSide, type DiffSource } from '../api/diff-handlers.js';
import { readPipelineFile } from '../api/service.js';
import { CliInputError } from './query-commands.js';

export interface DiffCommandOptions {
  /** One file (compared with its git HEAD) or two (A -> B): .plumb files or .plumbz bundles. */
  readonly files: readonly string[];
  readonly json: boolean;
}

/**
 * `plumb diff A B [--json]` and `plumb diff FILE [--json]` (FILE against its last commit).
 * Exit 0 whether or not the two differ (1 means "the run failed" in this CLI's contract, so a
 * difference is not a failure); --json carries `"same": true|false` for scripts. A file that cannot
 * be read or is not a pipeline is bad input: CliInputError, exit 2 with the reason.
 */
export async function diffCommand(options: DiffCommandOptions, out: (text: string) => void): Promise<number> {
  const { files } = options;
  if (files.length === 0 || files.length > 2) {
    throw new CliInputError(`plumb diff takes FILE (compared with its git HEAD) or A B, got ${files.length} file${files.length === 1 ? '' : 's'}`);
  }
  const sources: [DiffSource, DiffSource] =
    files.length === 1 ? [{ git: 'HEAD', path: files[0] }, { path: files[0] }] : [{ path: files[0] }, { path: files[1] }];
  const [a, b] = await Promise.all(sources.map(load));
  const diff = diffPipelines(a.document, b.document);
  if (options.json) out(JSON.stringify({ a: a.label, b: b.label, ...diff }) + '\n');
  else out(formatDiff(a.label, b.label, diff));
  return 0;
}

async function load(source: DiffSource) {
  try {
    return await loadDiffSide(source, { readPipelineFile });
  } catch (e) {
    // Every refusal while reading a side is about the user's input: a missing file, a broken
    // pipeline or bundle (bundle refusals arrive as ApiCallErrors too), no git history.
    if (e instanceof ApiCallError) throw new CliInputError(e.message);
    throw e;
  }
}

/** The human report: a header naming both sides, then each kind of change that occurred. */
export function formatDiff(aLabel: string, bLabel: string, diff: PipelineDiff): string {
  const lines = [`--- ${aLabel}`, `+++ ${bLabel}`];
  if (diff.same) {
    lines.push('no differences (positions and layout are ignored)');
    return lines.join('\n') + '\n';
  }
  const section = (title: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(`${title}:`, ...items);
  };
  section('pipeline', diff.pipelineChanges.map((c) => `  ~ ${formatValueChange(c)}`));
  section('added nodes', diff.addedNodes.map((n) => `  + ${n.id} (${n.type})`));
  section('removed nodes', diff.removedNodes.map((n) => `  - ${n.id} (${n.type})`));
  section(
    'changed nodes',
    diff.changedNodes.flatMap((n) => [`  ~ ${n.id} (${n.type})`, ...n.changes.map((c) => `      ${formatValueChange(c)}`)]),
  );
  section('added edges', diff.addedEdges.map((e) => `  + ${edgeText(e)}`));
  section('removed edges', diff.removedEdges.map((e) => `  - ${edgeText(e)}`));
  lines.push(summary(diff));
  return lines.join('\n') + '\n';
}

function edgeText(e: PipelineEdge): string {
  return `${e.from.node}.${e.from.port} -> ${e.to.node}.${e.to.port}`;
}

function summary(diff: PipelineDiff): string {
  const count = (n: number, what: string) => `${n} ${what}`;
  const nodes = [count(diff.addedNodes.length, 'added'), count(diff.removedNodes.length, 'removed'), count(diff.changedNodes.length, 'changed')];
  const edges = [count(diff.addedEdges.length, 'added'), count(diff.removedEdges.length, 'removed')];
  const parts = [`nodes: ${nodes.join(', ')}`, `edges: ${edges.join(', ')}`];
  if (diff.pipelineChanges.length > 0) parts.push(`pipeline: ${diff.pipelineChanges.length} changed`);
  return parts.join('; ');
}
