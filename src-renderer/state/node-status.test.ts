import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../src-shared/api/contract.js';
import { displayStatus, whyRun } from './node-status.js';
import type { ExplainEntry, NodeRun } from './run-slice.js';
import { carryOver, idleRun, runCounts } from './run-slice.js';

const ran = (status: NodeStatus, runId = 'r1'): NodeRun => ({ runId, status, cached: status === 'cached' });
const explained = (cached: boolean, reasons: string[] = []): ExplainEntry => ({ node: 'n', cacheKey: 'k', cached, reasons });

describe('displayStatus: run statuses x explain answers', () => {
  const fresh = explained(true);
  const changed = explained(false, ['params changed: columns']);

  it.each<[string, NodeRun | undefined, ExplainEntry | undefined, NodeStatus, boolean]>([
    // Never run in this session.
    ['never run, nothing explained', undefined, undefined, 'idle', false],
    ['never run, no stored result', undefined, explained(false, ['never ran']), 'idle', false],
    ['never run, a stored result matches', undefined, fresh, 'cached', true],
    // Ran and still matches: the run's word stands.
    ['succeeded, still matching', ran('succeeded'), fresh, 'succeeded', false],
    ['cached, still matching', ran('cached'), fresh, 'cached', false],
    // Ran, then changed: stale.
    ['succeeded, then changed', ran('succeeded'), changed, 'stale', false],
    ['cached, then changed', ran('cached'), changed, 'stale', false],
    ['succeeded, then evicted', ran('succeeded'), explained(false), 'stale', false],
    // Without an explain answer (none yet, or a run under way) statuses are as reported.
    ['succeeded, not explained', ran('succeeded'), undefined, 'succeeded', false],
    ['running', ran('running'), changed, 'running', false],
    ['queued', ran('queued'), changed, 'queued', false],
    // Only results can be stale; a failure stays a failure.
    ['failed, changed', ran('failed'), changed, 'failed', false],
    ['failed, a stored result matches', ran('failed'), fresh, 'failed', false],
    ['cancelled, changed', ran('cancelled'), changed, 'cancelled', false],
    ['skipped, changed', ran('skipped'), changed, 'skipped', false],
  ])('%s', (_name, node, explain, status, hint) => {
    expect(displayStatus(node, explain)).toEqual({ status, hint });
  });
});

describe('whyRun', () => {
  it('answers unknown, up to date, or the reasons', () => {
    expect(whyRun(undefined)).toEqual({ kind: 'unknown' });
    expect(whyRun(explained(true, ['params changed: x']))).toEqual({ kind: 'up-to-date' });
    expect(whyRun(explained(false, ['params changed: delimiter', 'file changed: path']))).toEqual({
      kind: 'will-run',
      reasons: ['params changed: delimiter', 'file changed: path'],
    });
  });

  it('names eviction when the key is unchanged but nothing is stored', () => {
    expect(whyRun(explained(false))).toEqual({ kind: 'will-run', reasons: ['its stored result is no longer in the cache'] });
  });
});

describe('run bookkeeping', () => {
  it('carries settled statuses into the next run, without progress, and drops unfinished ones', () => {
    const carried = carryOver({
      a: { ...ran('succeeded'), progress: 1 },
      b: ran('queued'),
      c: ran('running'),
      d: ran('failed'),
      e: ran('cached'),
    });
    expect(carried).toEqual({ a: ran('succeeded'), d: ran('failed'), e: ran('cached') });
  });

  it('counts only the current run’s nodes as cached or ran', () => {
    const run = {
      ...idleRun,
      runId: 'r2',
      status: 'succeeded' as const,
      nodes: { a: ran('cached', 'r2'), b: ran('succeeded', 'r2'), c: ran('failed', 'r2'), old: ran('succeeded', 'r1') },
    };
    expect(runCounts(run)).toEqual({ cached: 1, ran: 2 });
  });
});
