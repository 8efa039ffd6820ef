import { existsSync } from 'node:fs';

/** Flags that keep Chromium from calling home on a closed network (and work as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The Chromium to drive: PLAYWRIGHT_CHROMIUM_PATH, else Debian's /usr/bin/chromium, else
 * undefined (Playwright's own download, if one was installed).
 */
export function chromiumExecutable(): string | undefined {
  const candidates = [process.env.PLAYWRIGHT_CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p));
}
