import { availableParallelism, totalmem } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ArtifactRecord } from '../lineage/types.js';
import type { ServingReply } from './node-runner.js';
import type { FromWorker, NodeTask, ToWorker, WorkerInit } from './worker-protocol.js';

/** How long an idle worker gets to close DuckDB and end itself before it is terminated. */
const CLOSE_MS = 3000;

/** What a task reports while it runs, besides its result. */
export type TaskEvent =
  | Extract<FromWorker, { type: 'progress' | 'log' | 'metric' | 'register' }>
  | (Extract<FromWorker, { type: 'serving' }> & { readonly reply: (reply: ServingReply) => void });

export class TaskFailed extends Error {
  constructor(
    message: string,
    readonly workerStack: string | undefined,
    readonly userFacing: boolean,
  ) {
    super(message);
    this.name = 'TaskFailed';
  }
}

export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TaskCancelled';
  }
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  /** The task whose parallel map this worker is helping with (it is busy meanwhile). */
  lentTo?: number;
  /** Asked to come back because a node is queued. */
  recalled?: boolean;
}

interface Pending {
  readonly task: Omit<NodeTask, 'taskId'>;
  readonly onEvent: (e: TaskEvent) => void;
  readonly resolve: (outputs: Readonly<Record<string, ArtifactRecord>>) => void;
  readonly reject: (e: Error) => void;
  readonly taskId: number;
  slot?: Slot;
  cancelled?: boolean;
}

export interface WorkerPoolOptions {
  /** URL of the worker script (node-worker-entry.js, or a bundled worker). */
  readonly workerUrl: URL;
  /** URL of the module exporting `runners`. */
  readonly runnersModule: string;
  /** The state folder whose artifact store workers commit outputs to. */
  readonly home: string;
  readonly size?: number;
}

/**
 * A fixed pool of node workers, one task per worker at a time, started on first use and kept
 * warm. Cancelling a running task terminates its worker (a CPU loop cannot ignore that) and a
 * fresh one takes its place.
 *
 * A running node may borrow idle workers for a parallel map (RunContext.parallel: trees of a
 * forest, folds of a search). Nodes come first: a queued node recalls lent workers, which
 * finish their current item and come back; a cancelled node's helpers are terminated with it.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
  }

  /** Runs a task; `cancel` rejects it with TaskCancelled, terminating its worker if it started. */
  run(task: Omit<NodeTask, 'taskId'>, onEvent: (e: TaskEvent) => void): { result: Promise<Readonly<Record<string, ArtifactRecord>>>; cancel: () => void } {
    const taskId = this.nextId++;
    let pending!: Pending;
    const result = new Promise<Readonly<Record<string, ArtifactRecord>>>((resolve, reject) => {
      pending = { task, onEvent, resolve, reject, taskId };
    });
    if (this.disposed) pending.reject(new Error('the worker pool is closed'));
    else {
      this.queue.push(pending);
      this.pump();
    }
    return { result, cancel: () => this.cancel(pending) };
  }

  /** Starts every worker now, so the first node does not pay for the start-up. */
  async warmUp(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /**
   * Closes the pool. Idle workers are asked to close DuckDB and end themselves: terminating a
   * thread while its DuckDB instance is alive lets that instance's finalizer throw into a
   * stopping environment, which aborts the whole process ("terminate called after throwing an
   * instance of 'Napi::Error'", seen once at the end of a successful `plumb run`). A busy worker,
   * or one that does not end within CLOSE_MS, is terminated. Returns how many ended each way.
   */
  async dispose(): Promise<{ closed: number; terminated: number }> {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.reject(new TaskCancelled());
    const ends = await Promise.all(this.slots.map((s) => this.close(s)));
    this.slots.length = 0;
    return { closed: ends.filter((e) => e === 'closed').length, terminated: ends.filter((e) => e === 'terminated').length };
  }

  private async close(slot: Slot): Promise<'closed' | 'terminated'> {
    const exited = new Promise<boolean>((done) => {
      if (slot.worker.threadId < 0) return done(true);
      slot.worker.once('exit', () => done(true));
    });
    if (!slot.busy) {
      // A message to a starting worker waits for it, like 'serve'.
      slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), CLOSE_MS)));
      const ended = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (ended) return 'closed';
    }
    await slot.worker.terminate();
    return 'terminated';
  }

  private cancel(p: Pending): void {
    if (p.cancelled) return;
    p.cancelled = true;
    const queued = this.queue.indexOf(p);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (p.slot) this.replace(p.slot);
    for (const helper of this.slots.filter((s) => s.lentTo === p.taskId)) this.replace(helper);
    this.running.delete(p.taskId);
    p.reject(new TaskCancelled());
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) {
        // Every worker is busy: the lent ones finish their item and come back for the queued node.
        for (const lent of this.slots.filter((s) => s.lentTo !== undefined && !s.recalled)) {
          lent.recalled = true;
          lent.worker.postMessage({ type: 'recall' });
        }
        return;
      }
      const p = this.queue.shift()!;
      slot.busy = true;
      // Busy workers keep the process alive (a CLI run waits on them); idle ones do not.
      slot.worker.ref();
      p.slot = slot;
      this.running.set(p.taskId, p);
      const s = slot;
      void s.ready.then(
        () => {
          if (!p.cancelled) s.worker.postMessage({ type: 'run', task: { ...p.task, taskId: p.taskId } });
        },
        (e: unknown) => this.settle(p, () => p.reject(e instanceof Error ? e : new Error(String(e)))),
      );
    }
  }

  private spawn(): Slot {
    const init: WorkerInit = {
      runnersModule: this.opts.runnersModule,
      // Every worker may use every core: a lone node (the common case) then runs at full speed,
      // and concurrent nodes share the cores through the OS. Memory is what must be split.
      duckdbThreads: availableParallelism(),
      duckdbMemoryBytes: Math.floor((totalmem() * 0.7) / this.size),
      home: this.opts.home,
    };
    const worker = new Worker(this.opts.workerUrl, { workerData: init });
    // A worker must never keep the process alive on its own (the CLI exits when its run is done).
    worker.unref();
    let markReady!: () => void;
    let failStart!: (e: Error) => void;
    const ready = new Promise<void>((ok, fail) => {
      markReady = ok;
      failStart = fail;
    });
    ready.catch(() => {});
    const slot: Slot = { worker, ready, busy: false };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') return markReady();
      if (m.type === 'released') return this.released(slot);
      if (m.type === 'lend') return this.lend(slot, m.taskId, m.requestId, m.want);
      const p = this.running.get(m.taskId);
      if (!p) return;
      if (m.type === 'done') this.settle(p, () => p.resolve(m.outputs));
      else if (m.type === 'error') this.settle(p, () => p.reject(new TaskFailed(m.message, m.stack, m.userFacing)));
      else if (m.type === 'serving') {
        p.onEvent({ ...m, reply: (reply) => slot.worker.postMessage({ type: 'served', requestId: m.requestId, reply }) });
      } else p.onEvent(m);
    });
    worker.on('error', (e) => {
      failStart(e);
      // A crash inside a worker fails its task, and the pool carries on with a fresh worker.
      for (const p of this.running.values()) {
        if (p.slot === slot) this.settle(p, () => p.reject(new TaskFailed(`the node worker crashed: ${e.message}`, e.stack, false)));
      }
      this.replace(slot);
    });
    worker.on('exit', (code) => {
      failStart(new Error(`the node worker exited with code ${code} before it was ready`));
    });
    return slot;
  }

  /** Lends up to `want` idle workers to the node running in `to`, one port each (none when all are busy). */
  private lend(to: Slot, taskId: number, requestId: number, want: number): void {
    const ports: MessagePort[] = [];
    // Queued nodes come first; a borrower is still running, so it is never left without a worker.
    if (this.queue.length === 0 && this.running.has(taskId)) {
      while (ports.length < want) {
        let helper = this.slots.find((s) => !s.busy);
        if (!helper && this.slots.length < this.size && !this.disposed) {
          helper = this.spawn();
          this.slots.push(helper);
        }
        if (!helper) break;
        helper.busy = true;
        helper.lentTo = taskId;
        helper.recalled = false;
        const { port1, port2 } = new MessageChannel();
        // A message to a starting worker waits for it: no need to await `ready`.
        helper.worker.postMessage({ type: 'serve', port: port2 }, [port2]);
        ports.push(port1);
      }
    }
    to.worker.postMessage({ type: 'lent', requestId, ports }, ports);
  }

  private released(slot: Slot): void {
    if (slot.lentTo === undefined) return;
    slot.lentTo = undefined;
    slot.recalled = false;
    slot.busy = false;
    this.pump();
  }

  private settle(p: Pending, finish: () => void): void {
    if (!this.running.has(p.taskId)) return;
    this.running.delete(p.taskId);
    if (p.slot) {
      p.slot.busy = false;
      p.slot.worker.unref();
    }
    finish();
    this.pump();
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    void slot.worker.terminate();
    this.slots.splice(i, 1);
    if (!this.disposed && this.queue.length > 0) this.pump();
  }
}
