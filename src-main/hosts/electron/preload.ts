import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type PreloadBridge } from '../../../src-shared/api/contract.js';

/**
 * The only door between the sandboxed renderer and the main process, exposed as `window.plumb`.
 *
 * Sandboxed preloads may require nothing but 'electron', so scripts/build-electron.js bundles this
 * file into one CommonJS file; it imports only the `IPC` constant to keep that bundle tiny.
 *
 * Nothing Electron-shaped crosses into the page: no ipcRenderer, and listeners never see the
 * IpcRendererEvent (its `sender` would hand the page ipcRenderer back). `invoke` resolves with the
 * main process's envelope, `{ok: true, result}` or `{ok: false, error: {code, message, details}}`,
 * the same shape the HTTP host answers with, because Electron reduces a thrown error to a string.
 */

/** Listens on `channel` and hands `forward` the message's arguments only, never the event. */
function subscribe(channel: string, forward: (args: unknown[]) => void): () => void {
  const handler = (_event: IpcRendererEvent, ...args: unknown[]): void => forward(args);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const bridge: PreloadBridge = {
  invoke(method: string, payload: unknown): Promise<unknown> {
    if (typeof method !== 'string') return Promise.reject(new TypeError('method must be a string'));
    return ipcRenderer.invoke(IPC.invoke, method, payload);
  },
  onEvent(listener: (event: unknown) => void): () => void {
    return subscribe(IPC.event, ([event]) => listener(event));
  },
  onMenu(listener: (command: string, arg?: unknown) => void): () => void {
    return subscribe(IPC.menu, ([command, arg]) => {
      if (typeof command === 'string') listener(command, arg);
    });
  },
};

contextBridge.exposeInMainWorld('plumb', bridge);
