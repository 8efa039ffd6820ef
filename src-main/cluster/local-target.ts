import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { dependenciesOf } from './dag.js';
import { stepArgs } from './step-command.js';
import type { StepStore } from './store.js';

/**
 * `plumb compile FILE --target local`: the cluster's behaviour on one machine. Each node's step
 * command runs as a separate OS process sharing nothing but the store; a node starts when all its
 * dependencies succeeded, at most `parallelism` at once. As in an Argo DAG (failFast), a failed
 * step starts nothing new: running steps finish, dependants never start.
 */
export interface LocalRunRequest {
  readonly document: PipelineDocument;
  /** The pipeline file, absolute: each child reads it. */
  readonly file: string;
  /** The store: its folder (absolute) is what each child is given. */
  readonly store: StepStore;
  readonly runId: string;
  readonly parallelism: number;
  /** How to start `plumb` (e.g. [node, bin/plumb.js]); the step args are appended. */
  readonly plumb: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** One line per child stderr line (prefixed with its node) and per step start. */
  readonly onLine?: (line: string) => void;
  readonly onStep?: (step: LocalStepResult) => void;
}

export interface LocalStepResult {
  readonly node: string;
  readonly status: 'succeeded' | 'cached' | 'failed';
  readonly cached: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly pid?: number;
}

export interface LocalRunResult {
  readonly status: 'succeeded' | 'failed';
  readonly steps: readonly LocalStepResult[];
  /** Failed nodes, in the order they failed. */
  readonly failed: readonly LocalStepResult[];
}

export async function runLocal(req: LocalRunRequest): Promise<LocalRunResult> {
  const deps = dependenciesOf(req.document);
  const pending = new Set(req.document.nodes.map((n) => n.id));
  const done = new Map<string, LocalStepResult>();
  const failed: LocalStepResult[] = [];
  const running = new Set<Promise<void>>();
  const log = req.onLine ?? (() => {});
  const startedAt = Date.now();

  const ready = (): string[] => [...pending].filter((id) => (deps.get(id) ?? []).every((d) => ok(done.get(d)))).sort();
  while (pending.size > 0 || running.size > 0) {
    if (failed.length === 0) {
      for (const id of ready()) {
        if (running.size >= req.parallelism) break;
        pending.delete(id);
        const p: Promise<void> = runChild(req, id, log).then((r) => {
          done.set(id, r);
          if (!ok(r)) failed.push(r);
          req.onStep?.(r);
          running.delete(p);
        });
        running.add(p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  const status = failed.length === 0 && pending.size === 0 ? 'succeeded' : 'failed';
  // Recorded so `plumb sync` knows the run is over even when a killed step left no record.
  await req.store.putRunEnd(req.runId, {
    status,
    startedAt,
    endedAt: Date.now(),
    ...(failed.length ? { failed: failed.map((f) => ({ node: f.node, error: f.error ?? 'failed' })) } : {}),
  });
  return { status, steps: [...done.values()], failed };
}

const ok = (r: LocalStepResult | undefined): boolean => r !== undefined && (r.status === 'succeeded' || r.status === 'cached');

function runChild(req: LocalRunRequest, node: string, log: (line: string) => void): Promise<LocalStepResult> {
  const started = Date.now();
  const [command, ...prefix] = req.plumb;
  const child = spawn(command, [...prefix, ...stepArgs({ file: req.file, node, store: req.store.location, runId: req.runId })], {
    env: req.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  log(`step ${node} started (pid ${child.pid ?? '?'})`);
  let event: { status?: string; cached?: boolean; ms?: number; error?: string } | undefined;
  let lastError = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as { event?: string; status?: string; cached?: boolean; ms?: number; error?: string };
      if (parsed.event === 'node') event = parsed;
    } catch {
      // not an event line
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('plumb: ')) lastError = line.slice('plumb: '.length);
    log(`[${node}] ${line}`);
  });
  return new Promise((resolveStep) => {
    child.on('error', (e) => resolveStep({ node, status: 'failed', cached: false, ms: Date.now() - started, error: `could not start: ${e.message}` }));
    child.on('close', (code, signal) => {
      const ms = Date.now() - started;
      const pid = child.pid;
      if (code === 0 && (event?.status === 'succeeded' || event?.status === 'cached')) {
        resolveStep({ node, status: event.status, cached: event.cached === true, ms: event.ms ?? ms, ...(pid ? { pid } : {}) });
        return;
      }
      const error = signal ? `step process killed by ${signal}` : (event?.error ?? (lastError || `step process exited with code ${code}`));
      resolveStep({ node, status: 'failed', cached: false, ms, error, ...(pid ? { pid } : {}) });
    });
  });
}
