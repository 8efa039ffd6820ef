import { readFileSync } from 'node:fs';
import { OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { Bridge } from '../bridge/bridge.js';

/** The real `bundle.open` answer of an exported telco churn run (see fixtures/README.md), parsed as the bridge would. */
export function churnBundle(): OpenedBundle {
  const raw: unknown = JSON.parse(readFileSync(new URL('./fixtures/churn-bundle.json', import.meta.url), 'utf8'));
  return OpenedBundle.parse(raw);
}

export const CHURN_RUN = 'run_mx072sqg_7d053c27';
export const TELCO_TABLE = '62212bc91fd6dbe1ed0d7e125b05b2c6244845d7bd260618253378be0579a42b';

/** A host that answers from `answers` (or throws them when they are errors) and records every call. */
export function recordingBridge(answers: Partial<Record<ApiMethod, unknown>> = {}) {
  const calls: { method: ApiMethod; request: unknown }[] = [];
  const bridge: Bridge = {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push({ method, request });
      const answer = answers[method];
      if (answer instanceof Error) throw answer;
      if (typeof answer === 'function') return (answer as (r: unknown) => ApiResponse<M>)(request);
      return answer as ApiResponse<M>;
    },
    onEvent: () => () => {},
    onMenu: () => () => {},
    onConnection: () => () => {},
    batchDownloadUrl: () => null,
    dispose() {},
  };
  return { bridge, calls, of: (m: ApiMethod) => calls.filter((c) => c.method === m) };
}
