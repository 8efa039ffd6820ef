import type { MessagePort } from 'node:worker_threads';
import { NodeError, type ParallelTaskFn, type ParallelTaskRegistry } from './node-runner.js';
import type { FromHelper, ToHelper } from './worker-protocol.js';

/**
 * The worker side of RunContext.parallel: a node's worker borrows the pool's idle workers (each
 * reached through a MessagePort the pool hands over) and deals items out one at a time, while it
 * works through the same queue itself. Because the node's own worker always takes part, a map
 * finishes even when no worker is free, so borrowing can never deadlock the pool; a helper that
 * goes away (recalled for a queued node, or crashed) simply has its item put back in the queue.
 */

type Lend = (want: number) => Promise<readonly MessagePort[]>;

export function taskOf(tasks: ParallelTaskRegistry, name: string): (shared: unknown, item: unknown) => unknown {
  const fn: ParallelTaskFn | undefined = tasks.get(name);
  if (!fn) throw new Error(`no parallel task "${name}" is registered in this worker`);
  return fn as (shared: unknown, item: unknown) => unknown;
}

const yieldToMessages = (): Promise<void> => new Promise((done) => setImmediate(done));

export async function parallelMap<I, O>(
  tasks: ParallelTaskRegistry,
  lend: Lend,
  name: string,
  shared: unknown,
  items: readonly I[],
  onItemDone?: (done: number, total: number) => void,
): Promise<O[]> {
  const fn = taskOf(tasks, name);
  const total = items.length;
  const results = new Array<O>(total);
  if (total === 0) return results;
  const ports = total > 1 ? await lend(total - 1) : [];

  let next = 0;
  let done = 0;
  let failure: Error | undefined;
  const putBack: number[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const take = (): number | undefined => (putBack.length > 0 ? putBack.pop() : next < total ? next++ : undefined);
  const finished = (index: number, output: O): void => {
    results[index] = output;
    done++;
    onItemDone?.(done, total);
    notify();
  };

  for (const port of ports) {
    let inFlight: number | undefined;
    const feed = (): void => {
      inFlight = failure ? undefined : take();
      if (inFlight !== undefined) port.postMessage({ type: 'item', index: inFlight, input: items[inFlight] } satisfies ToHelper);
    };
    port.on('message', (m: FromHelper) => {
      inFlight = undefined;
      if (m.type === 'result') finished(m.index, m.output as O);
      else {
        failure ??= m.userFacing ? new NodeError(m.message) : Object.assign(new Error(m.message), { stack: m.stack });
        notify();
      }
      feed();
    });
    port.on('close', () => {
      if (inFlight !== undefined) putBack.push(inFlight);
      inFlight = undefined;
      notify();
    });
    port.postMessage({ type: 'job', task: name, shared } satisfies ToHelper);
    feed();
  }

  try {
    while (done < total && !failure) {
      const i = take();
      if (i === undefined) {
        // Everything left is with helpers: wait for a result, a failure or an item put back.
        await new Promise<void>((w) => (wake = w));
        continue;
      }
      finished(i, (await fn(shared, items[i])) as O);
      // Let helpers' results and requests for more work in between two local items.
      await yieldToMessages();
    }
  } finally {
    for (const port of ports) {
      port.postMessage({ type: 'end' } satisfies ToHelper);
      port.close();
    }
  }
  if (failure) throw failure;
  return results;
}

/**
 * The helper side: serves one borrowed map over `port` until the borrower ends it, closes the
 * port, or the pool recalls this worker; then `released` tells the pool it is free.
 */
export function serveParallelMap(tasks: ParallelTaskRegistry, port: MessagePort, released: () => void): { recall(): void } {
  let fn: ((shared: unknown, item: unknown) => unknown) | undefined;
  let shared: unknown;
  let busy = false;
  let recalled = false;
  let over = false;
  const release = (): void => {
    if (over) return;
    over = true;
    port.close();
    released();
  };
  port.on('message', (m: ToHelper) => {
    if (m.type === 'job') {
      shared = m.shared;
      try {
        fn = taskOf(tasks, m.task);
      } catch {
        fn = undefined;
      }
    } else if (m.type === 'item') {
      busy = true;
      void (async () => {
        try {
          if (!fn) throw new Error('no parallel task is registered under that name in the helper worker');
          port.postMessage({ type: 'result', index: m.index, output: await fn(shared, m.input) } satisfies FromHelper);
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          port.postMessage({ type: 'fail', index: m.index, message: err.message, stack: err.stack, userFacing: e instanceof NodeError } satisfies FromHelper);
        }
        busy = false;
        if (recalled) release();
      })();
    } else release();
  });
  port.on('close', release);
  return {
    recall: () => {
      recalled = true;
      if (!busy) release();
    },
  };
}

/** A parallel map with no pool to borrow from: everything runs here (benchmarks, single-thread tools). */
export function localParallel(tasks: ParallelTaskRegistry): <I, O>(name: string, shared: unknown, items: readonly I[], onItemDone?: (done: number, total: number) => void) => Promise<O[]> {
  return (name, shared, items, onItemDone) => parallelMap(tasks, () => Promise.resolve([]), name, shared, items, onItemDone);
}
