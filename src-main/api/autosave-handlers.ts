import type { z } from 'zod';
import type { API, ApiResponse } from '../../src-shared/api/contract.js';
import type { Autosaves } from './autosaves.js';

/** Autosave of unsaved work; the service validates requests with the contract before these run. */
export type AutosaveMethod = 'document.autosave' | 'document.recover' | 'document.discardAutosave';
export type AutosaveHandlers = {
  [M in AutosaveMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;
};

export function autosaveHandlers(autosaves: Autosaves): AutosaveHandlers {
  return {
    'document.autosave': ({ path, document }) => autosaves.save(path, document),
    'document.recover': async ({ path }) => {
      const found = await autosaves.recover(path);
      return { autosave: found ? { ...found } : null };
    },
    'document.discardAutosave': async ({ path }) => ({ discarded: await autosaves.discard(path) }),
  };
}
