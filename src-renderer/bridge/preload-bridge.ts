import type { PreloadBridge } from '../../src-shared/api/contract.js';
import { BridgeError, readEnvelope, readEvent, type Bridge } from './bridge.js';

/** The Electron host: `window.plumb`, exposed by the preload script through contextBridge. */
export function createPreloadBridge(plumb: PreloadBridge): Bridge {
  return {
    async call(method, request) {
      let raw: unknown;
      try {
        raw = await plumb.invoke(method, request);
      } catch (e) {
        throw new BridgeError('ipc', `${method}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return readEnvelope(method, raw);
    },
    onEvent(listener) {
      return plumb.onEvent((raw) => {
        const event = readEvent(raw);
        if (event) listener(event);
      });
    },
    onMenu(listener) {
      return plumb.onMenu(listener);
    },
    onConnection(listener) {
      // IPC to our own main process cannot drop the way a socket does.
      listener('connected');
      return () => {};
    },
    batchDownloadUrl: () => null,
    dispose() {},
  };
}
