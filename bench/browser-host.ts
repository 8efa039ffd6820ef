import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the browser benches share: a built renderer and a `plumb serve` child process. */
const ROOT = join(import.meta.dirname, '..');

/** Builds dist/ when a renderer source is newer than the built page (or there is none). */
export async function ensureRendererBuilt(): Promise<void> {
  const built = await stat(join(ROOT, 'dist', 'index.html')).catch(() => null);
  const newest = Math.max(...(await Promise.all(['src-renderer', 'src-shared', 'nodes'].map((d) => newestMtime(join(ROOT, d))))));
  if (built && built.mtimeMs >= newest) return;
  console.log('bench: building the renderer (vite build)…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(tsx?|css|html)$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

export async function startServer(file: string, home: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/plumb.js'), 'serve', file, '--home', home], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`plumb serve printed no URL within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`plumb serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}
