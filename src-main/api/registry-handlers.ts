import type { z } from 'zod';
import type { API, ApiResponse } from '../../src-shared/api/contract.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { RegistryError } from '../lineage/model-registry.js';
import { ApiCallError } from './api-service.js';

/** The model registry's API methods; the service validates requests with the contract before these run. */
export type RegistryMethod = 'models.list' | 'models.get' | 'models.stage';
export type RegistryHandlers = {
  [M in RegistryMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;
};

export function registryHandlers(lineage: LineageStore): RegistryHandlers {
  return {
    'models.list': async () => ({ models: lineage.listModels().map(plainModel) }),
    'models.get': async ({ name }) => {
      const model = lineage.getModel(name);
      if (!model) throw new ApiCallError('not-found', `no model "${name}" in the registry`);
      return { model: { ...plainModel(model), events: model.events.map((e) => ({ ...e })) } };
    },
    'models.stage': async ({ name, version, stage, comment }) => {
      try {
        const change = lineage.setStage(name, version, stage, comment);
        return { ...change, archived: [...change.archived] };
      } catch (e) {
        if (e instanceof RegistryError) throw new ApiCallError(e.kind === 'not-found' ? 'not-found' : 'bad-request', e.message);
        throw e;
      }
    },
  };
}

/** The store's readonly records as the contract's mutable shapes. */
function plainModel(m: ReturnType<LineageStore['listModels']>[number]) {
  return {
    name: m.name,
    createdAt: m.createdAt,
    versions: m.versions.map((v) => ({ ...v, metrics: { ...v.metrics }, inputSchema: v.inputSchema ? v.inputSchema.map((c) => ({ ...c })) : null })),
  };
}
