import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethod } from '../../src-shared/api/contract.js';
import { BridgeError } from '../bridge/bridge.js';
import { createModeBridge } from '../bridge/review-bridge.js';
import { createAppCommands } from '../commands/app-commands.js';
import { commandGroups } from '../commands/help.js';
import type { PlaygroundController } from './playground-controller.js';
import { churnBundle, recordingBridge } from '../review/fixtures.test-helpers.js';
import { twoNodeDocument } from '../state/fixtures.test-helpers.js';
import { selectCommentsDirty } from '../state/review-slice.js';
import { selectDirty } from '../state/selectors.js';
import { createAppStore } from '../state/store.js';
import { createController } from './controller.js';
import { defaultExportPath, defaultReviewedPath, toBase64 } from './review-controller.js';

const BUNDLE_PATH = '/home/analyst/reviews/churn.plumbz';

/** The app as main.tsx builds it (host bridge behind the mode bridge), over a scripted host. */
async function app(answers: Partial<Record<ApiMethod, unknown>> = {}, initialPath: string | null = null) {
  const bundle = churnBundle();
  const host = recordingBridge({
    'app.info': { version: '0', host: 'browser', home: '/home/analyst', initialPath, nativeDialogs: false },
    'bundle.open': bundle,
    'document.open': { path: '/p/test.plumb', document: twoNodeDocument, problems: [], hash: 'h1' },
    'document.recover': { autosave: null },
    'run.explain': { nodes: [] },
    ...answers,
  });
  const store = createAppStore();
  const bridge = createModeBridge(host.bridge, () => store.getState().review?.bundle ?? null);
  const controller = createController(bridge, store);
  const commands = createAppCommands({ store, controller, playground: {} as PlaygroundController }, false);
  const stop = controller.start();
  await vi.advanceTimersByTimeAsync(0);
  const s = () => store.getState();
  /** Answers the confirm dialog on show. */
  const answer = (ok: boolean): void => {
    const d = s().dialog;
    if (d?.kind !== 'confirm') throw new Error('no confirm dialog on show');
    controller.answerConfirm(d.id, ok);
  };
  return { host, store, controller, commands, stop, s, bundle, answer };
}

describe('review use cases', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'debug').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('opens a .plumbz given at start in review mode, and asks the host nothing about runs', async () => {
    const { host, s } = await app({}, BUNDLE_PATH);
    expect(host.of('bundle.open')).toEqual([{ method: 'bundle.open', request: { path: BUNDLE_PATH } }]);
    expect(s().review?.bundle.path).toBe('/home/analyst/reviews/churn.plumbz');
    expect(s().document.id).toBe('telco-churn-model');
    await vi.advanceTimersByTimeAsync(5000);
    // No "what would run" against the local cache, no autosave, no recovery offer over the bundle.
    expect(host.of('run.explain')).toHaveLength(0);
    expect(host.of('document.autosave')).toHaveLength(0);
    expect(host.of('document.recover')).toHaveLength(0);
  });

  it('File > Open takes a bundle too, and asks before dropping unsaved edits', async () => {
    const { host, s, controller, answer } = await app();
    await controller.openPath('/p/test.plumb');
    s().setParam('read', 'delimiter', ';');
    const opening = controller.openPath(BUNDLE_PATH);
    await vi.advanceTimersByTimeAsync(0);
    expect(s().dialog).toMatchObject({ kind: 'confirm', title: 'Discard unsaved changes?' });
    answer(true);
    await expect(opening).resolves.toBe(true);
    expect(host.of('bundle.open')).toHaveLength(1);
    expect(s().review).not.toBeNull();
  });

  it('shows why a bundle cannot be opened', async () => {
    const refused = new BridgeError('hash-mismatch', 'churn.plumbz: entry run/summary.json does not match its sha256 in the manifest');
    const { s, controller } = await app({ 'bundle.open': refused });
    await expect(controller.openPath(BUNDLE_PATH)).resolves.toBe(false);
    expect(s().review).toBeNull();
    expect(s().toasts.at(-1)).toMatchObject({
      kind: 'error',
      message: 'Cannot open this review bundle: churn.plumbz: entry run/summary.json does not match its sha256 in the manifest',
    });
  });

  it('saves comments to a new file only: never the bundle under review, and asks before replacing one', async () => {
    const exists = new BridgeError('exists', 'exists');
    let first = true;
    const { host, s, controller, answer } = await app({
      'bundle.saveComments': (req: { out: string; overwrite?: boolean }) => {
        if (first) {
          first = false;
          throw exists;
        }
        return { out: req.out, bytes: 2048, sha256: 'a'.repeat(64) };
      },
    });
    await controller.openPath(BUNDLE_PATH);
    s().addComment('model', 'Was C tuned?');

    await expect(controller.review.saveComments(BUNDLE_PATH)).resolves.toBe(false);
    expect(host.of('bundle.saveComments')).toHaveLength(0);
    expect(s().toasts.at(-1)?.message).toContain('is the bundle under review, which is never overwritten');

    const out = defaultReviewedPath(BUNDLE_PATH, '/home/analyst');
    expect(out).toBe('/home/analyst/reviews/churn-reviewed.plumbz');
    const saving = controller.review.saveComments(out);
    await vi.advanceTimersByTimeAsync(0);
    answer(true);
    await expect(saving).resolves.toBe(true);
    const requests = host.of('bundle.saveComments').map((c) => c.request as { sha256: string; out: string; overwrite: boolean; comments: unknown[] });
    expect(requests.map((r) => r.overwrite)).toEqual([false, true]);
    expect(requests[1]).toMatchObject({ sha256: s().review!.bundle.sha256, out, comments: [expect.objectContaining({ nodeId: 'model', text: 'Was C tuned?' })] });
    expect(selectCommentsDirty(s())).toBe(false);
    expect(s().review?.savedTo).toBe(out);
  });

  it('exports the saved pipeline with the chosen options and says where and how big', async () => {
    const { host, s, controller, commands } = await app({
      'bundle.export': { out: '/p/test.plumbz', bytes: 101_904, entries: 4, sha256: 'b'.repeat(64), warnings: [] },
    });
    expect(commands.isEnabled('file.exportBundle')).toBe(false);
    await controller.openPath('/p/test.plumb');
    expect(commands.isEnabled('file.exportBundle')).toBe(true);
    expect(defaultExportPath('/p/test.plumb')).toBe('/p/test.plumbz');
    await expect(controller.review.exportBundle({ out: '/p/test.plumbz', withModels: true, samples: false })).resolves.toBe(true);
    expect(host.of('bundle.export')[0]?.request).toEqual({ path: '/p/test.plumb', out: '/p/test.plumbz', withModels: true, samples: false, noSamples: [], overwrite: false });
    // Rows of some nodes only: the others' stay out.
    await controller.review.exportBundle({ out: '/p/test.plumbz', withModels: false, samples: true, noSamples: ['read'] });
    expect(host.of('bundle.export')[1]?.request).toMatchObject({ samples: true, noSamples: ['read'] });
    expect(s().toasts.at(-1)?.message).toBe('Exported the review bundle to /p/test.plumbz (99.5 KB, 4 entries)');
    // Unsaved edits would not be in the bundle.
    s().setParam('read', 'delimiter', ';');
    expect(commands.isEnabled('file.exportBundle')).toBe(false);
  });

  it('imports the bundle as an untitled, unsaved pipeline that can run', async () => {
    const { s, controller, commands } = await app({}, BUNDLE_PATH);
    expect(commands.isEnabled('run.all')).toBe(false);
    await controller.review.importAsEditable();
    expect(s().review).toBeNull();
    expect(s().path).toBeNull();
    expect(selectDirty(s())).toBe(true);
    expect(commands.isEnabled('run.all')).toBe(true);
  });

  it('opens a dropped bundle from its bytes, and a dropped pipeline as untitled work', async () => {
    const { host, s, controller } = await app();
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    await controller.review.openDropped({ name: 'churn.plumbz', bytes: async () => bytes.buffer, text: async () => '' });
    const request = host.of('bundle.open')[0]?.request as { name: string; base64: string };
    expect(request.name).toBe('churn.plumbz');
    expect(Uint8Array.from(atob(request.base64), (c) => c.charCodeAt(0))).toEqual(bytes);
    expect(toBase64(new TextEncoder().encode('plumb'))).toBe(btoa('plumb'));

    await controller.review.openDropped({ name: 'test.plumb', bytes: async () => new ArrayBuffer(0), text: async () => JSON.stringify(twoNodeDocument) });
    expect(s().review).toBeNull();
    expect(s().document.id).toBe('test');
    expect(s().path).toBeNull();
    expect(selectDirty(s())).toBe(true);

    await controller.review.openDropped({ name: 'broken.plumb', bytes: async () => new ArrayBuffer(0), text: async () => '{"format":' });
    expect(s().toasts.at(-1)?.message).toMatch(/^broken\.plumb is not valid JSON/);
    await controller.review.openDropped({ name: 'data.csv', bytes: async () => new ArrayBuffer(0), text: async () => 'a,b' });
    expect(s().toasts.at(-1)?.message).toBe('data.csv: drop a review bundle (.plumbz) or a pipeline (.plumb).');
  });

  it('asks before closing a review with unsaved comments', async () => {
    const { s, controller, answer } = await app({}, BUNDLE_PATH);
    s().addComment(null, 'Fine by me.');
    const closing = controller.review.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(s().dialog).toMatchObject({ kind: 'confirm', title: 'Discard review comments?' });
    answer(false);
    await closing;
    expect(s().review).not.toBeNull();
  });
});

describe('commands in review mode', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns off editing, running and saving; turns on the review commands', async () => {
    const { s, commands } = await app({}, BUNDLE_PATH);
    s().setSelection({ nodes: ['model'], edges: [], notes: [] });
    for (const id of ['run.all', 'run.force', 'run.until', 'run.node', 'file.save', 'file.saveAs', 'edit.delete', 'edit.cut', 'edit.paste', 'edit.duplicate', 'edit.addNote', 'edit.autoLayout', 'edit.undo', 'file.exportBundle']) {
      expect(commands.isEnabled(id), id).toBe(false);
    }
    for (const id of ['review.saveComments', 'review.import', 'review.close', 'file.open', 'file.openBundle', 'edit.copy', 'view.fit']) {
      expect(commands.isEnabled(id), id).toBe(true);
    }
    expect(await commands.dispatch('edit.delete')).toBe(false);
    expect(s().document.nodes.map((n) => n.id)).toContain('model');
  });

  it('lists the review commands in the help overlay', async () => {
    const { commands } = await app();
    const groups = commandGroups(commands);
    expect(groups.find((g) => g.title === 'Review')?.entries.map((e) => e.label)).toEqual(['Save with comments…', 'Import as editable', 'Close review']);
    expect(groups.find((g) => g.title === 'File')?.entries.map((e) => e.id)).toEqual(expect.arrayContaining(['file.openBundle', 'file.exportBundle']));
  });
});
