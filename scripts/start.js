// `npm start`: the Electron app where its binary exists, otherwise the browser host (`plumb serve`).
//
// Electron's npm package downloads its binary lazily: `require('electron')` runs install.js when
// node_modules/electron/path.txt or the binary under dist/ is missing, and that download can sit
// on a closed network for minutes. So we never require it here: we read path.txt and check the
// file ourselves, exactly as node_modules/electron/index.js resolves it, and fall back at once.
//
// Usage: npm start [-- ARGS]   ARGS go to Electron, or to `plumb serve` (a .plumb path among them
// replaces the example pipeline). PLUMB_HOST=browser skips Electron even where it exists.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const EXAMPLE = path.join('examples', 'penguins-profile.plumb');

/** Where the renderer's build reads from; a change in any of them makes dist/ stale. */
const RENDERER_SOURCES = ['src-renderer', 'src-shared', 'nodes', 'vite.config.ts', 'index.html'];

/** @returns {{ ok: true, exe: string } | { ok: false, reason: string }} */
function findElectron() {
  if (process.env.PLUMB_HOST === 'browser') return { ok: false, reason: 'PLUMB_HOST=browser asks for the browser host' };
  const pkgDir = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(pkgDir, 'package.json'))) {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  // install.js writes path.txt only after the binary was downloaded and unpacked.
  if (!existsSync(pathFile) && !override) {
    return { ok: false, reason: 'its binary was never downloaded (node_modules/electron/path.txt is missing; fetching it needs network access)' };
  }
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const exe = path.join(override || path.join(pkgDir, 'dist'), relative);
  if (!existsSync(exe)) return { ok: false, reason: `its binary ${path.relative(root, exe)} is missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, exe };
}

/** Runs a command to completion with inherited stdio; resolves with its exit code. */
function run(command, commandArgs, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** `npm run SCRIPT` with the npm that started us, so no shell is needed to find npm(.cmd). */
function runNpmScript(script) {
  const npmCli = process.env.npm_execpath;
  return npmCli
    ? run(process.execPath, [npmCli, 'run', script])
    : run('npm', ['run', script], { shell: process.platform === 'win32' });
}

function newestMtime(entry) {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function rendererIsStale() {
  const built = path.join(root, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return RENDERER_SOURCES.some((source) => newestMtime(path.join(root, source)) > builtAt);
}

/**
 * Runs the long-lived app process: our SIGINT/SIGTERM go to it (when we are not in its process
 * group, e.g. under a supervisor), and its exit becomes ours.
 */
function handOver(command, commandArgs, options = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.once('error', (err) => {
    console.error(`start: could not run ${command}: ${err.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    // A child killed by a signal exits the way a shell reports it: 128 + the signal's number.
    process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
  });
}

async function startElectron(exe) {
  const built = await runNpmScript('build');
  if (built !== 0) process.exit(built);
  // Inherited by accident, this makes the Electron binary behave as plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  handOver(exe, ['.', ...args], { env, windowsHide: false });
}

async function startBrowser(reason) {
  console.error(`start: the Electron app cannot run here: ${reason}. Starting the browser host instead.`);
  if (rendererIsStale()) {
    const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const built = await run(process.execPath, [viteBin, 'build']);
    if (built !== 0) process.exit(built);
  }
  const hasFile = args.some((a) => !a.startsWith('-') && a.toLowerCase().endsWith('.plumb'));
  const file = hasFile || !existsSync(path.join(root, EXAMPLE)) ? [] : [EXAMPLE];
  handOver(process.execPath, [path.join(root, 'bin', 'plumb.js'), 'serve', ...file, ...args]);
}

async function main() {
  const electron = findElectron();
  if (electron.ok) await startElectron(electron.exe);
  else await startBrowser(electron.reason);
}

main().catch((err) => {
  console.error(`start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
