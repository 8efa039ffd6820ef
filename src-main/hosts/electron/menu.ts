import path from 'node:path';
import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { API, IPC } from '../../../src-shared/api/contract.js';
import type { ApiService } from '../../api/api-service.js';

/**
 * The native application menu. File commands are not performed here: they are sent to the renderer
 * (IPC.menu) and dispatched through the same command registry as its shortcuts and toolbar, so a
 * menu click and Ctrl+S cannot behave differently. Edit and View items are Electron roles.
 */

/** The commands a menu sends with `webContents.send(IPC.menu, command, arg)`. */
export type MenuCommand = 'file.new' | 'file.open' | 'file.openPath' | 'file.save' | 'file.saveAs' | 'file.openBundle' | 'file.exportBundle' | 'diff.compare' | 'cluster.exportArgo' | 'cluster.importRun';

const MAX_RECENT = 10;

interface MenuContext {
  readonly window: BrowserWindow;
  readonly service: ApiService;
  readonly isDev: boolean;
}

// The menu is process-wide (Menu.setApplicationMenu), so its context is too.
let context: MenuContext | null = null;
let generation = 0;

/** Builds and installs the application menu for `window`; call again when the window is replaced. */
export async function installMenu(window: BrowserWindow, service: ApiService, isDev: boolean): Promise<void> {
  context = { window, service, isDev };
  await refreshMenu();
}

/** Rebuilds the menu, e.g. after a document was opened or saved, so Open Recent is current. */
export async function refreshMenu(): Promise<void> {
  const ctx = context;
  if (!ctx) return;
  const mine = ++generation;
  const recent = await recentPaths(ctx.service);
  // A later refresh (or install) started while we waited: its list is newer than ours.
  if (mine !== generation || ctx !== context) return;
  Menu.setApplicationMenu(Menu.buildFromTemplate(template(ctx, recent)));
}

async function recentPaths(service: ApiService): Promise<string[]> {
  try {
    const parsed = API['document.recent'].response.safeParse(await service.call('document.recent', {}));
    return parsed.success ? parsed.data.paths.slice(0, MAX_RECENT) : [];
  } catch (err) {
    // A broken recent list must not cost the user the whole menu.
    console.error('plumb: could not read recent documents:', err);
    return [];
  }
}

function send(ctx: MenuContext, command: MenuCommand, arg?: string): void {
  if (ctx.window.isDestroyed()) return;
  ctx.window.webContents.send(IPC.menu, command, arg);
}

/** '&' marks a mnemonic in Windows and Linux menu labels; a path must show it literally. */
function literalLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

function recentSubmenu(ctx: MenuContext, recent: readonly string[]): MenuItemConstructorOptions[] {
  if (recent.length === 0) return [{ label: 'No Recent Pipelines', enabled: false }];
  return recent.map((file) => ({
    label: literalLabel(`${path.basename(file)}  ${path.dirname(file)}`),
    click: () => send(ctx, 'file.openPath', file),
  }));
}

function template(ctx: MenuContext, recent: readonly string[]): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';

  const appMenu: MenuItemConstructorOptions = {
    label: app.name,
    submenu: [
      { role: 'about' },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: '&New', accelerator: 'CmdOrCtrl+N', click: () => send(ctx, 'file.new') },
      { label: '&Open...', accelerator: 'CmdOrCtrl+O', click: () => send(ctx, 'file.open') },
      { label: 'Open &Recent', submenu: recentSubmenu(ctx, recent) },
      { type: 'separator' },
      { label: '&Save', accelerator: 'CmdOrCtrl+S', click: () => send(ctx, 'file.save') },
      { label: 'Save &As...', accelerator: 'Shift+CmdOrCtrl+S', click: () => send(ctx, 'file.saveAs') },
      { label: '&Compare With...', accelerator: 'Shift+CmdOrCtrl+D', click: () => send(ctx, 'diff.compare') },
      { type: 'separator' },
      { label: 'Open Review &Bundle...', click: () => send(ctx, 'file.openBundle') },
      { label: '&Export Review Bundle...', click: () => send(ctx, 'file.exportBundle') },
      { type: 'separator' },
      { label: 'Export for Argo &Workflows...', click: () => send(ctx, 'cluster.exportArgo') },
      { label: 'Import C&luster Run...', click: () => send(ctx, 'cluster.importRun') },
      { type: 'separator' },
      // On macOS Quit lives in the app menu and File ends with Close Window, as users expect.
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  // Reload would drop unsaved work and DevTools is a debugging aid: neither belongs in a release.
  const devItems: MenuItemConstructorOptions[] = ctx.isDev
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const viewMenu: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...devItems,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [{ role: 'about', label: `About ${app.name}` }],
  };

  return isMac
    ? [appMenu, fileMenu, editMenu, viewMenu, { role: 'windowMenu' }, helpMenu]
    : [fileMenu, editMenu, viewMenu, helpMenu];
}
