import type { ServingReply, ServingRequest, ServingRequestHandler } from '../engine/node-runner.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { resolveModelRef } from '../registry/resolve.js';
import type { ServingRouting } from '../../src-shared/api/serving-contract.js';
import type { ServingManager } from './serving-handlers.js';

/**
 * The main process's answer to a deploy.serve node (RunContext.requestServing): start an
 * endpoint for the model, or roll the version out on the endpoint already serving that model
 * name with the node's strategy. Wired by the composition root, which owns both the engine and
 * the serving manager.
 */
export function servingForNodes(manager: ServingManager, lineage: LineageStore): ServingRequestHandler {
  return async (request: ServingRequest): Promise<ServingReply> => {
    const { name, version } = resolveVersion(lineage, request.model);
    const ref = `${name}:${version}`;
    const running = manager.list().find((e) => e.name === name || e.model.split(/[:@]/)[0] === name);
    if (!running) {
      const { endpoint } = await manager.start({ model: ref, ...(request.port ? { port: request.port } : {}) });
      return { served: true, name: endpoint.name, url: endpoint.url, version, routing: describe(endpoint.routing), started: true };
    }
    let routing = running.routing;
    if (routing.primary !== version || routing.candidate !== null) {
      switch (request.strategy) {
        case 'replace':
        case 'blue-green':
          // A candidate in progress is dropped first: the node asks for this version to take all traffic.
          if (routing.candidate !== null && routing.candidate !== version) routing = await manager.route(running.name, { action: 'rollback' });
          if (routing.candidate === version) routing = await manager.route(running.name, { action: 'promote' });
          else if (routing.primary !== version) routing = await manager.route(running.name, { action: 'switch', version });
          break;
        case 'canary':
          if (routing.primary !== version && routing.candidate !== version) {
            routing = await manager.route(running.name, { action: 'canary', version, percent: request.percent ?? 10 });
          }
          break;
        case 'shadow':
          if (routing.primary !== version && routing.candidate !== version) routing = await manager.route(running.name, { action: 'shadow', version });
          break;
      }
    }
    return { served: true, name: running.name, url: running.url, version, routing: describe(routing), started: false };
  };
}

function resolveVersion(lineage: LineageStore, model: ServingRequest['model']): { name: string; version: number } {
  if (typeof model === 'string') {
    const resolved = resolveModelRef(lineage, model);
    if (resolved.name === null || resolved.version === null) throw new Error(`"${model}" is not a registered model; serving needs one (NAME, NAME:3, NAME@stage)`);
    return { name: resolved.name, version: resolved.version };
  }
  for (const m of lineage.listModels()) {
    const v = m.versions.find((x) => x.onnxHash === model.onnxHash);
    if (v) return { name: m.name, version: v.version };
  }
  throw new Error(`the connected ONNX model (${model.onnxHash.slice(0, 12)}) is not a registered version; deploy.onnx registers it when its parity check passes`);
}

export function describe(r: ServingRouting): string {
  const split = Object.entries(r.split)
    .map(([v, p]) => `version ${v} ${p}%`)
    .join(', ');
  return r.strategy === 'shadow' ? `${split}; version ${r.candidate} in the shadow` : `${r.strategy}: ${split}`;
}
