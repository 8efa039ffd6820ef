import type { ServingHistoryEntry, ServingRouteChange, ServingRouting } from '../../src-shared/api/serving-contract.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { ServingEndpoint, type RoutingChange, type RoutingEvent, type RoutingState } from '../serving/index.js';
import type { ServedEndpoint, StartEndpoint } from './serving-handlers.js';

/**
 * The serving core's endpoint (src-main/serving) as the serving manager sees it: the contract's
 * routing changes become the core's, and its state, counters and history the contract's shapes.
 */
export function startServingEndpoint(lineage: LineageStore, home: string): StartEndpoint {
  return async ({ model, port, noToken }) => {
    const ep = await ServingEndpoint.start({ lineage, home, model, ...(port ? { port } : {}), ...(noToken ? { token: null } : {}) });
    return adapt(ep, lineage);
  };
}

function adapt(ep: ServingEndpoint, lineage: LineageStore): ServedEndpoint {
  return {
    name: ep.name,
    url: ep.url,
    token: ep.token,
    versions: () =>
      lineage
        .getModel(ep.name)
        ?.versions.filter((v) => v.onnxHash !== null && v.stage !== 'archived')
        .map((v) => v.version) ?? ep.served().map((v) => v.version),
    logPath: () => ep.logFiles().at(-1) ?? null,
    logFiles: () => ep.logFiles(),
    accuracy: () => ep.accuracy(),
    routing: () => routingOf(ep.routing()),
    route: async (change) => routingOf(await ep.setRouting(coreChange(change))),
    counters: () =>
      ep.stats().versions.map((v) => ({
        version: v.version,
        requests: v.requests,
        errors: v.errors,
        p50: v.requests ? v.p50Ms : null,
        p95: v.requests ? v.p95Ms : null,
        p99: v.requests ? v.p99Ms : null,
      })),
    history: () => ep.routing().history.map(historyEntry),
    stop: () => ep.stop(),
  };
}

function coreChange(change: ServingRouteChange): RoutingChange {
  switch (change.action) {
    case 'switch':
      return { kind: 'switch', version: change.version };
    case 'canary': {
      const policy = {
        ...(change.step !== undefined ? { step: change.step } : {}),
        ...(change.maxErrorRate !== undefined ? { maxErrorRate: change.maxErrorRate } : {}),
        ...(change.maxP95Ms !== undefined ? { maxP95Ms: change.maxP95Ms } : {}),
      };
      return { kind: 'canary', version: change.version, percent: change.percent, policy };
    }
    case 'canary-step':
      return { kind: 'step' };
    case 'promote':
      return { kind: 'promote' };
    case 'rollback':
      return { kind: 'rollback' };
    case 'ab':
      return { kind: 'ab', version: change.version, percent: change.percent };
    case 'shadow':
      return { kind: 'shadow', version: change.version };
  }
}

export function routingOf(s: RoutingState): ServingRouting {
  const split: Record<string, number> = {};
  if (s.candidate === null || s.strategy === 'shadow') split[String(s.primary)] = 100;
  else {
    split[String(s.primary)] = 100 - s.percent;
    split[String(s.candidate)] = s.percent;
  }
  return {
    strategy: s.strategy,
    primary: s.primary,
    candidate: s.candidate,
    percent: s.percent,
    canary: s.canary ? { step: s.canary.step, maxErrorRate: s.canary.maxErrorRate, maxP95Ms: s.canary.maxP95Ms } : null,
    split,
  };
}

function historyEntry(e: RoutingEvent): ServingHistoryEntry {
  return { at: e.at, kind: e.kind, from: e.from, to: e.to, percent: e.percent, reason: e.reason, automatic: e.kind === 'auto-rollback' };
}
