import type { PreloadBridge } from '../../src-shared/api/contract.js';
import type { Bridge } from './bridge.js';
import { createHttpBridge } from './http-bridge.js';
import { createPreloadBridge } from './preload-bridge.js';
import { takeToken } from './token.js';

export { BridgeError, type Bridge, type ConnectionState } from './bridge.js';

declare global {
  interface Window {
    /** Present only inside Electron, set by the preload script. */
    plumb?: PreloadBridge;
  }
}

/** Picks the host's bridge: the Electron preload when present, else HTTP + WebSocket. */
export function createBridge(): Bridge {
  if (window.plumb) return createPreloadBridge(window.plumb);
  const token = takeToken(window.location, window.sessionStorage, window.history);
  return createHttpBridge({ baseUrl: window.location.href, token });
}
