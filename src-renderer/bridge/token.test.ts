import { describe, expect, it } from 'vitest';
import { takeToken } from './token.js';

function env(hash: string, stored: string | null = null) {
  const store = new Map<string, string>(stored ? [['plumb.token', stored]] : []);
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  } as Storage;
  const replaced: string[] = [];
  const history = { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) } as unknown as History;
  const location = { hash, pathname: '/', search: '' } as Location;
  return { storage, history, location, replaced, store };
}

describe('takeToken', () => {
  it('reads the token from the fragment, keeps it for reloads and clears the address bar', () => {
    const e = env('#token=abc');
    expect(takeToken(e.location, e.storage, e.history)).toBe('abc');
    expect(e.store.get('plumb.token')).toBe('abc');
    expect(e.replaced).toEqual(['/']);
  });

  it('falls back to the stored token after a reload', () => {
    const e = env('', 'kept');
    expect(takeToken(e.location, e.storage, e.history)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });
});
