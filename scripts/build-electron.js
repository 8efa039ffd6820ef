// Bundles the Electron main process, its node worker and the preload into dist-electron/*.cjs
// with Vite's JS API.
//
// Why three bundles with different rules:
// - main.cjs runs in Electron's Node: node builtins, electron and every runtime dependency stay
//   external and are required from node_modules at run time. Native modules (better-sqlite3,
//   onnxruntime-node, @duckdb/*) cannot be bundled at all, and electron-builder rebuilds them for
//   Electron's ABI in place.
// - node-worker.cjs is the engine's worker thread (src-main/hosts/electron/node-worker.ts, with the
//   shipped runners built in), with main.cjs's externals. The packaged app starts it from
//   app.asar.unpacked, where its requires resolve only in app.asar.unpacked/node_modules, so the
//   build fails unless it and every package it needs (with their dependencies) are in
//   electron-builder.yml's asarUnpack.
// - preload.cjs runs in a sandboxed renderer, where `require` knows only 'electron' (and a few
//   polyfills), so everything else must be inlined into one file.
//
// Usage: node scripts/build-electron.js   (npm run build runs it after `vite build`)

import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist-electron');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const dependencies = Object.keys(pkg.dependencies ?? {});

/** A bare import of `name` or of any subpath of it (`zod/v4`, `@duckdb/node-api/lib/...`). */
function isPackage(id, names) {
  return names.some((name) => id === name || id.startsWith(`${name}/`));
}

function mainExternal(id) {
  return id === 'electron' || isPackage(id, nodeBuiltins) || isPackage(id, dependencies);
}

/**
 * The preload needs only the contract's `IPC` constant, but contract.ts also builds every zod
 * schema at module load, which no tree-shaker can prove side-effect free. So the preload build
 * sees a contract module holding just that constant, taken from the real file so it cannot drift;
 * the build fails loudly if the declaration ever changes shape.
 */
function contractIpcOnly() {
  const contract = path.join(root, 'src-shared', 'api', 'contract.ts');
  return {
    name: 'plumb:contract-ipc-only',
    load(id) {
      if (path.normalize(id.split('?')[0]) !== contract) return null;
      const source = readFileSync(contract, 'utf8');
      const match = /^export const IPC = (\{[^{}]*\}) as const;$/m.exec(source);
      if (!match) throw new Error(`${contract}: could not find "export const IPC = {...} as const;" for the preload`);
      return `export const IPC = Object.freeze(${match[1]});\n`;
    },
  };
}

/** Shared settings: a Node-targeted (SSR) build of one entry into one CommonJS file. */
function bundle({ entry, fileName, external, noExternal, plugins = [] }) {
  return build({
    configFile: false,
    root,
    logLevel: 'warn',
    // The renderer's .env files and public/ folder mean nothing here.
    envDir: false,
    publicDir: false,
    plugins,
    ssr: { target: 'node', noExternal },
    build: {
      ssr: path.join(root, entry),
      outDir,
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      sourcemap: true,
      reportCompressedSize: false,
      rolldownOptions: {
        external,
        platform: 'node',
        output: { format: 'cjs', entryFileNames: fileName, codeSplitting: false },
      },
    },
  });
}

async function main() {
  await bundle({
    entry: 'src-main/hosts/electron/preload.ts',
    fileName: 'preload.cjs',
    external: ['electron'],
    noExternal: true,
    plugins: [contractIpcOnly()],
  });
  await bundle({
    entry: 'src-main/hosts/electron/main.ts',
    fileName: 'main.cjs',
    external: mainExternal,
    // Everything not matched by mainExternal is ours and is bundled.
    noExternal: true,
  });
  await bundle({
    entry: 'src-main/hosts/electron/node-worker.ts',
    fileName: 'node-worker.cjs',
    external: mainExternal,
    noExternal: true,
  });
  checkPreload(path.join(outDir, 'preload.cjs'));
  checkWorker(path.join(outDir, 'node-worker.cjs'));
  console.log(`built ${path.relative(root, outDir)}/main.cjs, node-worker.cjs and preload.cjs`);
}

/** The ids a CommonJS bundle requires with a literal string. */
function requiredIds(file) {
  const code = readFileSync(file, 'utf8');
  return [...new Set([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]))];
}

/** A sandboxed preload that requires anything but 'electron' fails only at run time; fail here. */
function checkPreload(file) {
  const stray = requiredIds(file).filter((id) => id !== 'electron');
  if (stray.length > 0) throw new Error(`${file} requires ${stray.join(', ')}; a sandboxed preload may require only 'electron'`);
}

/**
 * The worker must need nothing but builtins and dependencies, and, since the packaged app runs it
 * from app.asar.unpacked, it and the whole dependency tree of what it requires must be unpacked:
 * otherwise it fails only in the installed app, with "Cannot find module".
 */
function checkWorker(file) {
  const required = requiredIds(file);
  const stray = required.filter((id) => !mainExternal(id) || id === 'electron');
  if (stray.length > 0) throw new Error(`${file} requires ${stray.join(', ')}; a node worker may require only Node builtins and dependencies`);
  const unpacked = asarUnpackPatterns();
  const workerRel = path.relative(root, file).split(path.sep).join('/');
  if (!unpacked.includes(workerRel)) throw new Error(`electron-builder.yml must list ${workerRel} in asarUnpack: worker threads run it from app.asar.unpacked`);
  const packages = required.filter((id) => !isPackage(id, nodeBuiltins)).map(packageName);
  const missing = dependencyTree(packages).filter((dir) => !unpacked.some((p) => globCovers(p, dir)));
  if (missing.length > 0) {
    throw new Error(`${workerRel} needs ${missing.join(', ')} at run time; add them to asarUnpack in electron-builder.yml (the worker runs from app.asar.unpacked)`);
  }
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(id) {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The installed folders (relative to the root, `node_modules/...`) of `names` and of everything
 * they depend on, optional dependencies included when installed; resolved as Node does, from the
 * depending package's own node_modules up to the root's.
 */
function dependencyTree(names) {
  const seen = new Set();
  const visit = (name, fromDir) => {
    // Node's own lookup order (fromDir/node_modules, then each parent's), inside the project only.
    const lookup = createRequire(path.join(fromDir, 'package.json')).resolve.paths(name) ?? [];
    const dir = lookup
      .filter((p) => p.startsWith(`${root}${path.sep}`))
      .map((p) => path.join(p, name))
      .find((d) => existsSync(path.join(d, 'package.json')));
    if (!dir) return; // an optional dependency for another platform
    const rel = path.relative(root, dir).split(path.sep).join('/');
    if (seen.has(rel)) return;
    seen.add(rel);
    const pkgJson = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkgJson.dependencies, ...pkgJson.optionalDependencies })) visit(dep, dir);
  };
  for (const name of names) visit(name, root);
  return [...seen].sort();
}

/** The asarUnpack entries of electron-builder.yml (a plain list of quoted or bare globs). */
function asarUnpackPatterns() {
  const lines = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8').split(/\r?\n/);
  const start = lines.findIndex((l) => /^asarUnpack:\s*$/.test(l));
  if (start < 0) return [];
  const patterns = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
    if (!item) break;
    patterns.push(item[1]);
  }
  return patterns;
}

/** Whether a `folder/**` glob (or the folder itself) covers the folder `dir`. */
function globCovers(pattern, dir) {
  const base = pattern.replace(/\/\*\*$/, '');
  return dir === base || dir.startsWith(`${base}/`);
}

main().catch((err) => {
  console.error(`build-electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
