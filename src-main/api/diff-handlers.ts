import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { ApiCallError } from './api-service.js';

/** Pipeline diffs between files, bundles and a file's git HEAD. */
export function diffHandlers(): { 'pipeline.diff': (req: ApiRequest<'pipeline.diff'>) => Promise<ApiResponse<'pipeline.diff'>> } {
  return {
    'pipeline.diff': async () => {
      throw new ApiCallError('unavailable', 'pipeline diff is being built');
    },
  };
}
