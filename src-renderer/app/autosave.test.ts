import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { twoNodeDocument } from '../state/fixtures.test-helpers.js';
import { selectDirty } from '../state/selectors.js';
import { createAppStore } from '../state/store.js';
import { AUTOSAVE_DEBOUNCE_MS, createAutosave } from './autosave.js';

const FILE = '/p/test.plumb';

/** A host keeping autosaves in a map, as the state folder would, and recording every call. */
function fakeHost() {
  const saved = new Map<string, { document: PipelineDocument; savedAt: number }>();
  const calls: { method: ApiMethod; path: string | null }[] = [];
  let clock = 1_000;
  const call = async <M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> => {
    const req = request as { path: string | null; document?: PipelineDocument };
    calls.push({ method, path: req.path });
    const key = req.path ?? '';
    let answer: unknown;
    if (method === 'document.autosave') {
      saved.set(key, { document: req.document!, savedAt: ++clock });
      answer = { savedAt: clock };
    } else if (method === 'document.recover') {
      const found = saved.get(key);
      answer = { autosave: found ? { path: req.path, ...found, fileModifiedAt: null } : null };
    } else if (method === 'document.discardAutosave') {
      answer = { discarded: saved.delete(key) };
    }
    return answer as ApiResponse<M>;
  };
  return { call, saved, calls, count: (m: ApiMethod) => calls.filter((c) => c.method === m).length };
}

function setup() {
  const host = fakeHost();
  const store = createAppStore();
  const errors: unknown[] = [];
  const autosave = createAutosave(host.call, store, (e) => errors.push(e));
  const stop = autosave.start();
  const open = (path: string | null, document = twoNodeDocument) => store.getState().loadDocument({ document, path, hash: 'h' });
  return { host, store, autosave, stop, open, errors };
}

const settle = () => vi.advanceTimersByTimeAsync(AUTOSAVE_DEBOUNCE_MS);

describe('autosave of unsaved work', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps the latest unsaved document once edits settle, in one call', async () => {
    const { host, store, open } = setup();
    open(FILE);
    await settle();
    expect(host.count('document.autosave')).toBe(0);

    store.getState().renameDocument('One');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DEBOUNCE_MS / 2);
    store.getState().renameDocument('Two');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DEBOUNCE_MS - 1);
    expect(host.count('document.autosave')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.count('document.autosave')).toBe(1);
    expect(host.saved.get(FILE)?.document.name).toBe('Two');
    expect(store.getState().autosave.savedAt).toBe(host.saved.get(FILE)?.savedAt);
  });

  it('removes its copy when the work is saved, or edited back to what the file holds', async () => {
    const { host, store, open } = setup();
    open(FILE);
    store.getState().renameDocument('Edited');
    await settle();
    expect(host.saved.has(FILE)).toBe(true);

    store.getState().undo();
    await settle();
    expect(host.saved.has(FILE)).toBe(false);

    store.getState().renameDocument('Edited again');
    await settle();
    expect(host.saved.has(FILE)).toBe(true);
    const s = store.getState();
    s.markSaved({ path: FILE, hash: 'h2', document: s.document });
    await settle();
    expect(host.saved.has(FILE)).toBe(false);
    expect(store.getState().autosave.savedAt).toBeNull();
  });

  it('moves untitled work to the file it is saved as', async () => {
    const { host, store } = setup();
    store.getState().renameDocument('Draft');
    await settle();
    expect(host.saved.has('')).toBe(true);
    const s = store.getState();
    s.markSaved({ path: FILE, hash: 'h', document: s.document });
    await settle();
    expect(host.saved.size).toBe(0);
  });

  it('offers work found for an opened file, restores it as one undoable edit', async () => {
    const { host, store, open, autosave } = setup();
    const crashed = { ...twoNodeDocument, name: 'Before the crash' };
    host.saved.set(FILE, { document: crashed, savedAt: 5 });
    open(FILE);
    await settle();
    expect(store.getState().autosave.recovery).toMatchObject({ path: FILE, savedAt: 5 });
    expect(selectDirty(store.getState())).toBe(false);

    // Edits made before answering never overwrite the work on offer.
    store.getState().renameDocument('Meanwhile');
    await settle();
    expect(host.saved.get(FILE)?.document.name).toBe('Before the crash');

    autosave.restore();
    expect(store.getState().document).toEqual(crashed);
    expect(store.getState().autosave.recovery).toBeNull();
    expect(selectDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(store.getState().document.name).toBe('Meanwhile');
  });

  it('discards the offered work on request', async () => {
    const { host, store, open, autosave } = setup();
    host.saved.set(FILE, { document: { ...twoNodeDocument, name: 'Lost' }, savedAt: 5 });
    open(FILE);
    await settle();
    expect(store.getState().autosave.recovery).not.toBeNull();
    await autosave.discard();
    expect(store.getState().autosave.recovery).toBeNull();
    expect(host.saved.has(FILE)).toBe(false);
    expect(store.getState().document.name).toBe('Test');
  });

  it('drops what it kept for a file the user left without saving', async () => {
    const { host, store, open } = setup();
    open(FILE);
    store.getState().renameDocument('Given up');
    await settle();
    open('/p/other.plumb');
    await settle();
    expect(host.saved.has(FILE)).toBe(false);
  });

  it('ignores an offer that arrives after another file was opened', async () => {
    const { host, store, open, autosave } = setup();
    host.saved.set(FILE, { document: { ...twoNodeDocument, name: 'Old' }, savedAt: 5 });
    open(FILE);
    const late = autosave.check();
    open('/p/other.plumb');
    await late;
    await settle();
    expect(store.getState().autosave.recovery).toBeNull();
  });
});

