import { describe, expect, it } from 'vitest';
import { createExplainScheduler } from './explain-scheduler.js';

/** A promise the test settles by hand, to control the order answers arrive in. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function setup() {
  let doc: string | null = 'A';
  const requests: { target: string; answer: ReturnType<typeof deferred<string>> }[] = [];
  const applied: string[] = [];
  const errors: unknown[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const scheduler = createExplainScheduler<string, string>({
    target: () => doc,
    versionOf: (t) => t,
    request: (target) => {
      const answer = deferred<string>();
      requests.push({ target, answer });
      return answer.promise;
    },
    apply: (result) => void applied.push(result),
    onError: (e) => void errors.push(e),
    delayMs: 250,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => void ((h as (typeof timers)[number]).cleared = true),
  });
  const fireTimers = () => {
    for (const t of timers.splice(0)) if (!t.cleared) t.fn();
  };
  return {
    scheduler,
    requests,
    applied,
    errors,
    fireTimers,
    timers,
    setDoc: (d: string | null) => void (doc = d),
  };
}

describe('explain scheduler', () => {
  it('debounces edits into one request', () => {
    const t = setup();
    t.scheduler.schedule();
    t.scheduler.schedule();
    t.scheduler.schedule();
    expect(t.requests).toHaveLength(0);
    expect(t.timers.filter((x) => !x.cleared).map((x) => x.ms)).toEqual([250]);
    t.fireTimers();
    expect(t.requests.map((r) => r.target)).toEqual(['A']);
  });

  it('ignores an answer overtaken by a newer request, even when it arrives last', async () => {
    const t = setup();
    t.scheduler.now();
    t.setDoc('B');
    t.scheduler.now();
    t.requests[1]!.answer.resolve('for B');
    await flush();
    t.requests[0]!.answer.resolve('for A');
    await flush();
    expect(t.applied).toEqual(['for B']);
  });

  it('does not send a second request for the version already in flight', async () => {
    const t = setup();
    t.scheduler.now();
    t.scheduler.now();
    t.scheduler.schedule();
    t.fireTimers();
    expect(t.requests).toHaveLength(1);
    t.requests[0]!.answer.resolve('for A');
    await flush();
    // Answered and unchanged: nothing new to ask either.
    t.scheduler.now();
    expect(t.requests).toHaveLength(1);
    expect(t.applied).toEqual(['for A']);
  });

  it('asks again for the same version after invalidate, and drops the answer in flight', async () => {
    const t = setup();
    t.scheduler.now();
    t.scheduler.invalidate(); // a run started: the cache is about to change
    t.scheduler.now();
    expect(t.requests).toHaveLength(2);
    t.requests[0]!.answer.resolve('before the run');
    t.requests[1]!.answer.resolve('after the run');
    await flush();
    expect(t.applied).toEqual(['after the run']);
  });

  it('skips while there is nothing to explain', () => {
    const t = setup();
    t.setDoc(null);
    t.scheduler.now();
    t.scheduler.schedule();
    t.fireTimers();
    expect(t.requests).toHaveLength(0);
  });

  it('reports failures of the latest request only, and stops after dispose', async () => {
    const t = setup();
    t.scheduler.now();
    t.setDoc('B');
    t.scheduler.now();
    t.requests[0]!.answer.reject(new Error('old'));
    t.requests[1]!.answer.reject(new Error('new'));
    await flush();
    expect(t.errors).toEqual([new Error('new')]);

    t.setDoc('C');
    t.scheduler.now();
    t.scheduler.schedule();
    t.scheduler.dispose();
    t.requests[2]!.answer.resolve('late');
    await flush();
    t.fireTimers();
    expect(t.applied).toEqual([]);
    expect(t.requests).toHaveLength(3);
  });

  it('retries a version whose request failed', async () => {
    const t = setup();
    t.scheduler.now();
    t.requests[0]!.answer.reject(new Error('offline'));
    await flush();
    t.scheduler.now();
    expect(t.requests).toHaveLength(2);
  });
});

