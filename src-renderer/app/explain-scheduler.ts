/**
 * Keeps the engine's "what would run now" answer (run.explain) current without piling requests
 * up: edits are debounced, a request for the version already in flight is not sent again, and
 * an answer that a newer request (or a run, which changes the cache) has overtaken is dropped.
 */
export interface ExplainScheduler {
  /** Explains after the debounce delay; calls within the delay collapse into one request. */
  schedule(): void;
  /** Explains at once (a document was opened, a run ended). */
  now(): void;
  /** The cache or the document changed under any request in flight: its answer no longer counts. */
  invalidate(): void;
  dispose(): void;
}

export interface ExplainSchedulerDeps<T, R> {
  /** What to explain now, or null to skip (a run under way, a graph with errors). */
  target(): T | null;
  /** Equal versions would get equal answers while the cache stays as it is. */
  versionOf(target: T): string;
  request(target: T): Promise<R>;
  apply(result: R, target: T): void;
  onError(error: unknown): void;
  delayMs: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export function createExplainScheduler<T, R>(deps: ExplainSchedulerDeps<T, R>): ExplainScheduler {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  /** The number of the latest request; only its answer is applied. */
  let seq = 0;
  /** Bumped by invalidate(): the same document explained after a run may answer differently. */
  let epoch = 0;
  let inFlight: { readonly seq: number; readonly version: string } | null = null;
  let applied: string | null = null;
  let timer: unknown = null;
  let disposed = false;

  const cancelTimer = (): void => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  const send = (): void => {
    cancelTimer();
    if (disposed) return;
    const target = deps.target();
    if (target === null) return;
    const version = `${epoch}\u0000${deps.versionOf(target)}`;
    if (inFlight?.version === version || (inFlight === null && applied === version)) return;
    const mine = ++seq;
    inFlight = { seq: mine, version };
    const settle = (): void => {
      if (inFlight?.seq === mine) inFlight = null;
    };
    deps.request(target).then(
      (result) => {
        settle();
        if (disposed || mine !== seq) return;
        applied = version;
        deps.apply(result, target);
      },
      (error: unknown) => {
        settle();
        if (!disposed && mine === seq) deps.onError(error);
      },
    );
  };

  return {
    schedule() {
      if (disposed) return;
      cancelTimer();
      timer = setTimer(send, deps.delayMs);
    },
    now: send,
    invalidate() {
      seq++;
      epoch++;
      inFlight = null;
      applied = null;
    },
    dispose() {
      disposed = true;
      cancelTimer();
    },
  };
}
