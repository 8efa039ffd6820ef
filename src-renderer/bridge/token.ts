import { HTTP } from '../../src-shared/api/contract.js';

const STORAGE_KEY = 'plumb.token';

/**
 * The browser host hands its access token in the URL fragment once. It is kept in
 * sessionStorage so a reload still works, and removed from the address bar so it does not end
 * up in bookmarks, screenshots or the history.
 */
export function takeToken(loc: Location, storage: Storage, history: History): string | null {
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromUrl = fragment.get(HTTP.tokenParam);
  if (fromUrl) {
    try {
      storage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    fragment.delete(HTTP.tokenParam);
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  try {
    return storage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
