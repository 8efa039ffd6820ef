import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/**
 * Electron cannot run on these machines, so its bundles are at least built on every test run:
 * the build fails when the worker needs a package that electron-builder would leave in the asar.
 */
describe('the Electron bundles', () => {
  it('build: main, preload and node worker, with nothing unpacked missing', async () => {
    const result = await new Promise<{ code: number; output: string }>((done) =>
      execFile('node', [join(ROOT, 'scripts/build-electron.js')], { cwd: ROOT }, (err, stdout, stderr) =>
        done({ code: err ? 1 : 0, output: stdout + stderr }),
      ),
    );
    expect(result.code, result.output).toBe(0);
    for (const f of ['main.cjs', 'preload.cjs', 'node-worker.cjs']) expect(existsSync(join(ROOT, 'dist-electron', f))).toBe(true);
    // The sandboxed preload may require nothing but electron.
    const preload = readFileSync(join(ROOT, 'dist-electron/preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
  }, 120_000);
});
