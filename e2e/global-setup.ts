import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/**
 * Starts the real browser host once for all journeys: a fresh state folder and a scratch copy
 * of the examples and samples (journeys save files; the repo's copies stay untouched).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const work = mkdtempSync(join(tmpdir(), 'plumb-e2e-'));
  cpSync(join(ROOT, 'examples'), join(work, 'examples'), { recursive: true });
  cpSync(join(ROOT, 'samples'), join(work, 'samples'), { recursive: true });
  const example = join(work, 'examples', 'penguins-profile.plumb');
  const server = spawn(process.execPath, [join(ROOT, 'bin/plumb.js'), 'serve', example, '--home', join(work, 'home')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const appUrl = await waitForUrl(server);
  process.env.PLUMB_E2E_URL = appUrl;
  process.env.PLUMB_E2E_WORK = work;
  return async () => {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    rmSync(work, { recursive: true, force: true });
  };
}

function waitForUrl(server: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`plumb serve printed no URL within 30 s:\n${out}${err}`)), 30_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`plumb serve exited with ${code}:\n${out}${err}`));
    });
  });
}
