import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  session,
  shell,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { IPC, type ApiError } from '../../../src-shared/api/contract.js';
import { ApiCallError, type ApiService, type HostAbilities } from '../../api/api-service.js';
import { createPlumbApp } from '../../composition.js';
import { installMenu, refreshMenu } from './menu.js';

/**
 * The Electron main process: one window over the shared ApiService (src-main/api).
 *
 * The renderer is treated as untrusted: sandboxed, no Node, a strict CSP, no navigation away from
 * the bundled page, no new windows, no permissions. Its only way in is IPC.invoke, which accepts
 * calls from our own window's main frame and hands the raw payload to the service, which validates
 * it against the contract before anything uses it.
 */

const DOCUMENT_EXT = '.plumb';
const BUNDLE_EXT = '.plumbz';
const DOCUMENT_FILTERS = [{ name: 'Plumb pipeline', extensions: ['plumb'] }];
const ONNX_FILTERS = [{ name: 'ONNX model', extensions: ['onnx'] }];
const BUNDLE_FILTERS = [{ name: 'Plumb review bundle', extensions: ['plumbz'] }];
const OPEN_FILTERS = { pipeline: DOCUMENT_FILTERS, onnx: ONNX_FILTERS, bundle: BUNDLE_FILTERS } as const;
/** How long quitting waits for runs to cancel and DuckDB to close before giving up. */
const DISPOSE_TIMEOUT_MS = 5000;

/** Vite's dev server, when `npm run dev`-style tooling starts us against it; else the built page. */
const devServerUrl = process.env.VITE_DEV_SERVER_URL || null;
const isDev = !app.isPackaged;
// app.getAppPath() is the folder (or asar) holding package.json, both in development and packaged.
const appRoot = app.getAppPath();
const rendererIndex = path.join(appRoot, 'dist', 'index.html');
const preloadPath = path.join(appRoot, 'dist-electron', 'preload.cjs');
/**
 * The bundled node worker (scripts/build-electron.js). Packaged, it runs from app.asar.unpacked
 * (electron-builder.yml asarUnpack), not from inside the archive: worker threads could not read
 * asar archives until 2022 (electron/electron#33216), and a real file on disk does not depend on
 * Electron's fs patches. Its requires then resolve in app.asar.unpacked/node_modules, so every package it needs
 * is unpacked too (the build checks that).
 */
const nodeWorkerPath = path.join(appRoot.replace(/\.asar$/, '.asar.unpacked'), 'dist-electron', 'node-worker.cjs');

type InvokeReply = { ok: true; result: unknown } | { ok: false; error: ApiError };

let service: ApiService | null = null;
let mainWindow: BrowserWindow | null = null;
/** A document asked for before the window could take it (macOS open-file at launch). */
let pendingPath: string | null = documentArg(process.argv.slice(1), process.cwd());
/** Pages that finished loading, so their menu listener exists and a message will not be lost. */
const loadedPages = new WeakSet<WebContents>();

// ---- trust ---------------------------------------------------------------------------------

/**
 * The first `.plumb` (pipeline) or `.plumbz` (review bundle, opened read-only by the renderer)
 * argument, absolute. Flags are skipped: Chromium adds its own to argv.
 */
function documentArg(args: readonly string[], cwd: string): string | null {
  const arg = args.find((a) => !a.startsWith('-') && /\.plumbz?$/i.test(a));
  return arg ? path.resolve(cwd, arg) : null;
}

const rendererDirUrl = `${pathToFileURL(path.dirname(rendererIndex)).href}/`;

/** Whether `url` is our renderer: the dev server's origin, or a file inside dist/. */
function isAppUrl(url: string): boolean {
  if (devServerUrl) {
    try {
      return new URL(url).origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  // Windows file URLs may differ only in the drive letter's case.
  return process.platform === 'win32'
    ? url.toLowerCase().startsWith(rendererDirUrl.toLowerCase())
    : url.startsWith(rendererDirUrl);
}

/** Only our window's top frame, showing our page, may call the API; not iframes, not other pages. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== null &&
    !mainWindow.isDestroyed() &&
    event.sender.id === mainWindow.webContents.id &&
    frame !== null &&
    frame.parent === null &&
    isAppUrl(frame.url)
  );
}

function contentSecurityPolicy(): string {
  // Vite's dev server needs an inline React-refresh preamble and a WebSocket for hot reload;
  // the built app needs neither, so only development relaxes those two directives.
  const dev = devServerUrl !== null;
  return [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function hardenSession(): void {
  const ses = session.defaultSession;
  const csp = contentSecurityPolicy();
  ses.webRequest.onHeadersReceived((details, callback) => {
    // Only our pages get our policy: it would break DevTools' own pages, and no other page can
    // load anyway (navigation elsewhere is blocked).
    if (!isAppUrl(details.url)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // A pipeline editor needs no camera, location, notifications or the like; nothing is granted.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Applied to every web contents (including any a bug might create), not just our window's. */
function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation may open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

// ---- dialogs -------------------------------------------------------------------------------

async function showOpen(kind: keyof typeof OPEN_FILTERS = 'pipeline'): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { properties: ['openFile'], filters: [...OPEN_FILTERS[kind]] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function showSave(suggestedName?: string): Promise<string | null> {
  // The renderer only suggests a file name; a path it sends must not pick the folder.
  const name = suggestedName ? path.basename(suggestedName) : `untitled${DOCUMENT_EXT}`;
  // A suggested .plumbz is a review bundle being exported or saved with comments.
  const ext = name.toLowerCase().endsWith(BUNDLE_EXT) ? BUNDLE_EXT : DOCUMENT_EXT;
  const options: Electron.SaveDialogOptions = {
    defaultPath: path.join(app.getPath('documents'), name),
    filters: ext === BUNDLE_EXT ? BUNDLE_FILTERS : DOCUMENT_FILTERS,
    properties: ['showOverwriteConfirmation', 'createDirectory'],
  };
  const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  if (result.filePath.toLowerCase().endsWith(ext)) return result.filePath;
  // Some Linux dialogs do not add the filter's extension, and the service only writes files with it.
  // The dialog confirmed overwriting the name typed, not the one with the extension added, so ask again.
  const withExt = `${result.filePath}${ext}`;
  if (existsSync(withExt) && !(await confirmOverwrite(withExt))) return null;
  return withExt;
}

async function confirmOverwrite(file: string): Promise<boolean> {
  const options: Electron.MessageBoxOptions = {
    type: 'warning',
    buttons: ['Replace', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: `${path.basename(file)} already exists. Replace it?`,
  };
  const { response } = mainWindow
    ? await dialog.showMessageBox(mainWindow, options)
    : await dialog.showMessageBox(options);
  return response === 0;
}

// ---- IPC -----------------------------------------------------------------------------------

function failure(code: string, message: string, details?: readonly string[]): InvokeReply {
  return { ok: false, error: details ? { code, message, details: [...details] } : { code, message } };
}

/**
 * Answers with an envelope instead of throwing: Electron turns a thrown error into a bare
 * "Error invoking remote method" string, and the renderer needs the code to react properly.
 */
async function handleInvoke(event: IpcMainInvokeEvent, method: unknown, payload: unknown): Promise<InvokeReply> {
  if (!isTrustedSender(event)) return failure('forbidden', 'API calls are accepted only from the Plumb window');
  if (typeof method !== 'string') return failure('bad-request', 'the method name must be a string');
  if (!service) return failure('internal', 'Plumb is still starting');
  try {
    const result = await service.call(method, payload);
    if (method === 'document.open' || method === 'document.save') noteRecent(result);
    return { ok: true, result };
  } catch (err) {
    if (err instanceof ApiCallError) return failure(err.code, err.message, err.details);
    console.error(`plumb: ${method} failed unexpectedly:`, err);
    return failure('internal', err instanceof Error ? err.message : String(err));
  }
}

/** Keeps Open Recent and the OS's recent-documents list (Dock, jump list) current. */
function noteRecent(result: unknown): void {
  if (typeof result === 'object' && result !== null && 'path' in result && typeof result.path === 'string') {
    app.addRecentDocument(result.path);
  }
  void refreshMenu();
}

function forwardEvents(svc: ApiService): void {
  svc.onEvent((event) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC.event, event);
  });
}

/** Hands a document to the renderer as if chosen from Open Recent, once the page can listen. */
function openInWindow(file: string): void {
  if (!service) {
    // Still starting: start() passes it on once the window exists.
    pendingPath = file;
    return;
  }
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : createWindow(service);
  if (win.isMinimized()) win.restore();
  win.focus();
  const send = (): void => win.webContents.send(IPC.menu, 'file.openPath', file);
  if (loadedPages.has(win.webContents)) send();
  else win.webContents.once('did-finish-load', send);
}

// ---- window --------------------------------------------------------------------------------

function createWindow(svc: ApiService): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Plumb',
    show: false,
    webPreferences: {
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      preload: preloadPath,
    },
  });
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-finish-load', () => loadedPages.add(win.webContents));
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // The renderer guards unsaved work with beforeunload; Electron would then refuse to close
  // silently, so ask the user as a browser does.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Discard Changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'This pipeline has unsaved changes.',
      detail: 'Close it anyway and lose them?',
    });
    if (choice === 0) event.preventDefault();
  });

  void installMenu(win, svc, isDev);
  // The service already knows the launch document (app.info.initialPath); later ones are sent.
  const load = devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(rendererIndex);
  load.catch((err: unknown) => console.error('plumb: could not load the renderer:', err));
  return win;
}

// ---- lifecycle -----------------------------------------------------------------------------

async function start(): Promise<void> {
  // `electron .` on a fresh clone would otherwise open a blank window with no explanation.
  for (const file of devServerUrl ? [preloadPath, nodeWorkerPath] : [rendererIndex, preloadPath, nodeWorkerPath]) {
    if (!existsSync(file)) throw new Error(`${file} is missing; run \`npm run build\` first`);
  }
  hardenSession();
  const dialogs = { open: showOpen, save: showSave };
  const abilities: HostAbilities = { host: 'electron', dialogs };
  const initialPath = pendingPath;
  pendingPath = null;
  const svc = await createPlumbApp({
    home: process.env.PLUMB_HOME || app.getPath('userData'),
    abilities,
    initialPath,
    workerUrl: pathToFileURL(nodeWorkerPath),
    serveFromNodes: true,
  });
  service = svc;
  forwardEvents(svc);
  ipcMain.handle(IPC.invoke, handleInvoke);
  createWindow(svc);
  // A file may have arrived (open-file) while the service was starting.
  const later = pendingPath;
  pendingPath = null;
  if (later) openInWindow(later);
}

function fail(err: unknown): void {
  console.error('plumb: could not start:', err);
  dialog.showErrorBox('Plumb could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
}

function main(): void {
  // Every renderer is sandboxed, whatever a future BrowserWindow forgets to say.
  app.enableSandbox();

  // Double-clicking a .plumb while Plumb runs opens it in the running instance instead of
  // starting a second app on the same home folder (one SQLite and DuckDB owner).
  const launchPath = pendingPath;
  if (!app.requestSingleInstanceLock({ openPath: launchPath })) {
    app.quit();
    return;
  }
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const fromData = secondInstancePath(additionalData);
    const file = fromData ?? documentArg(argv.slice(1), workingDirectory);
    if (file) openInWindow(file);
    else if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  // macOS delivers files (Finder, Dock) through open-file, possibly before 'ready'.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openInWindow(file);
  });

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) createWindow(service);
  });

  let disposing = false;
  app.on('will-quit', (event) => {
    if (!service || disposing) return;
    disposing = true;
    event.preventDefault();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS).unref());
    void Promise.race([service.dispose(), timeout])
      .catch((err: unknown) => console.error('plumb: shutdown failed:', err))
      .finally(() => app.quit());
  });

  app.setAboutPanelOptions({ applicationName: 'Plumb', applicationVersion: app.getVersion() });
  app.whenReady().then(start).catch(fail);
}

/** The second instance resolved its own argument against its own cwd; prefer that. */
function secondInstancePath(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('openPath' in data)) return null;
  const file = data.openPath;
  return typeof file === 'string' && path.isAbsolute(file) ? file : null;
}

main();
