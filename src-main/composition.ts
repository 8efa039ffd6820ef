import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { catalogue } from '../nodes/index.js';
import { runners } from '../nodes/runners.js';
import type { ApiService, HostAbilities } from './api/api-service.js';
import { RecentFiles } from './api/recent-files.js';
import { createApiService } from './api/service.js';
import { DuckDatabase } from './data/duckdb.js';
import { ArtifactStore } from './engine/artifact-store.js';

/**
 * The composition root: the one place that knows every concrete part and wires them. The
 * engine gets the catalogue and runners from here, never by importing nodes/ itself.
 */
export interface PlumbAppOptions {
  readonly home: string;
  readonly abilities: HostAbilities;
  readonly initialPath: string | null;
}

export async function createPlumbApp(opts: PlumbAppOptions): Promise<ApiService> {
  const home = resolve(opts.home);
  await mkdir(home, { recursive: true });
  const store = new ArtifactStore(home);
  await store.init();
  return createApiService({
    version: appVersion(),
    home,
    initialPath: opts.initialPath ? resolve(opts.initialPath) : null,
    abilities: opts.abilities,
    catalogue,
    runners,
    store,
    duck: await DuckDatabase.open(),
    recent: new RecentFiles(join(home, 'recent.json')),
  });
}

/** PLUMB_HOME, else the OS's per-user app-data folder (as Electron's userData would be). */
export function defaultHome(): string {
  if (process.env.PLUMB_HOME) return resolve(process.env.PLUMB_HOME);
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
  return join(base, 'Plumb');
}

export function appVersion(): string {
  return pkg.version;
}
