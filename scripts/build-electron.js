// Bundles the Electron main process and preload into dist-electron/*.cjs with Vite's JS API.
//
// Why two bundles with different rules:
// - main.cjs runs in Electron's Node: node builtins, electron and every runtime dependency stay
//   external and are required from node_modules at run time. Native modules (better-sqlite3,
//   onnxruntime-node, @duckdb/*) cannot be bundled at all, and electron-builder rebuilds them for
//   Electron's ABI in place.
// - preload.cjs runs in a sandboxed renderer, where `require` knows only 'electron' (and a few
//   polyfills), so everything else must be inlined into one file.
//
// Usage: node scripts/build-electron.js   (npm run build runs it after `vite build`)

import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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
  checkPreload(path.join(outDir, 'preload.cjs'));
  console.log(`built ${path.relative(root, outDir)}/main.cjs and preload.cjs`);
}

/** A sandboxed preload that requires anything but 'electron' fails only at run time; fail here. */
function checkPreload(file) {
  const code = readFileSync(file, 'utf8');
  const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  const stray = required.filter((id) => id !== 'electron');
  if (stray.length > 0) throw new Error(`${file} requires ${stray.join(', ')}; a sandboxed preload may require only 'electron'`);
}

main().catch((err) => {
  console.error(`build-electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
