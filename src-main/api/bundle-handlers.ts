import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { ApiCallError } from './api-service.js';

type BundleMethod = Extract<ApiMethod, 'bundle.export' | 'bundle.open' | 'bundle.saveComments'>;

/** Review bundles: export, open (verify + extract models), save with comments. */
export function bundleHandlers(): { [M in BundleMethod]: (req: ApiRequest<M>) => Promise<ApiResponse<M>> } {
  const notYet = (): never => {
    throw new ApiCallError('unavailable', 'review bundles are being built');
  };
  return { 'bundle.export': async () => notYet(), 'bundle.open': async () => notYet(), 'bundle.saveComments': async () => notYet() };
}
