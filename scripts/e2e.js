// `npm run test:e2e`: builds the renderer, then runs the Playwright journeys against the browser
// host in Chromium. A missing browser gets one line saying how to install one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.PLAYWRIGHT_CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const browser = candidates.find((p) => existsSync(p));
if (!browser) {
  console.error(
    'e2e: no Chromium found (looked at PLAYWRIGHT_CHROMIUM_PATH, /usr/bin/chromium). Install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), or set PLAYWRIGHT_CHROMIUM_PATH to a Chrome/Chromium binary.',
  );
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) {
  console.error('e2e: the renderer did not build');
  process.exit(1);
}
process.exit(run('npx', ['playwright', 'test', ...process.argv.slice(2)]));
