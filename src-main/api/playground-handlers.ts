import { resolve } from 'node:path';
import type { z } from 'zod';
import type { API, ApiResponse } from '../../src-shared/api/contract.js';
import { InferenceError } from '../inference/errors.js';
import type { Playground } from '../inference/playground.js';
import { ApiCallError } from './api-service.js';

/** The playground's API methods; the service validates requests with the contract before these run. */
export type PlaygroundMethod = 'playground.inspect' | 'playground.predict' | 'playground.latency' | 'playground.batch' | 'playground.cancel';
export type PlaygroundHandlers = {
  [M in PlaygroundMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;
};

export function playgroundHandlers(playground: Playground): PlaygroundHandlers {
  return {
    'playground.inspect': ({ source }) => userErrors(playground.inspect(source)),
    'playground.predict': ({ source, rows, tensors }) => userErrors(playground.predict(source, { rows, tensors })),
    'playground.latency': ({ source, rows, tensors, runs }) => userErrors(playground.latency(source, { rows, tensors }, runs)),
    'playground.batch': ({ source, input, out, job, chunkRows }) =>
      userErrors(playground.batch(source, { input: resolve(input), out: resolve(out), ...(job ? { job } : {}), ...(chunkRows ? { chunkRows } : {}) })),
    'playground.cancel': async ({ job }) => ({ cancelled: playground.cancel(job) }),
  };
}

/** InferenceError codes are already the API's vocabulary; its messages name the file, input or line. */
async function userErrors<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof InferenceError) throw new ApiCallError(e.code, e.message, e.details);
    throw e;
  }
}
