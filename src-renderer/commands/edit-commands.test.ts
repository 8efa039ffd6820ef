import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { canonicalOf, selectDirty } from '../state/selectors.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';
import { attachCanvas } from './canvas-port.js';

const loaded = parsePipelineText(readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8'));
if (!loaded.ok) throw new Error(loaded.reason);
const telco = loaded.document;

function setup() {
  const store = createAppStore();
  store.getState().loadDocument({ document: telco, path: '/p/telco.plumb', hash: 'h' });
  const controller = { run: vi.fn(async () => {}), reportError: vi.fn() } as unknown as Controller;
  const commands = createAppCommands({ store, controller, playground: {} as PlaygroundController }, false);
  return { store, commands };
}

/** A stand-in for a clipboard event's DataTransfer. */
function clipboard(initial = '') {
  let text = initial;
  return { getData: () => text, setData: (_type: string, value: string) => void (text = value), text: () => text };
}

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('canvas editing commands', () => {
  it('delete removes everything selected, with its wires, in one undo step', async () => {
    const { store, commands } = setup();
    expect(commands.isEnabled('edit.delete')).toBe(false);
    store.getState().setSelection({ nodes: ['scale', 'encode'], edges: ['e7'], notes: [] });
    expect(store.getState().selectedNodeId).toBeNull(); // several selected: no single node
    await commands.dispatch('edit.delete');
    const doc = store.getState().document;
    expect(doc.nodes.map((n) => n.id)).toEqual(['telco', 'checks', 'split', 'model', 'evaluate']);
    expect(doc.edges.every((e) => !['scale', 'encode'].includes(e.from.node) && !['scale', 'encode'].includes(e.to.node))).toBe(true);
    expect(store.getState().selection).toEqual({ nodes: [], edges: [], notes: [] });
    store.getState().undo();
    expect(canonicalOf(store.getState().document)).toBe(canonicalOf(telco));
  });

  it('copy then paste through clipboard events adds a wired copy; cut removes the originals', async () => {
    const { store, commands } = setup();
    store.getState().setSelection({ nodes: ['scale', 'encode'], edges: [], notes: [] });
    const board = clipboard();
    await commands.dispatch('edit.copy', { clipboard: board });
    expect(JSON.parse(board.text())).toMatchObject({ format: 'plumb.fragment', nodes: [{ id: 'scale' }, { id: 'encode' }] });
    await commands.dispatch('edit.paste', { clipboard: board, at: { x: 0, y: 0 } });
    const s = store.getState();
    expect(s.document.nodes.map((n) => n.id).slice(-2)).toEqual(['scale_1', 'encode_1']);
    expect(s.selection.nodes).toEqual(['scale_1', 'encode_1']);
    expect(s.document.edges.at(-1)).toMatchObject({ from: { node: 'scale_1', port: 'out' }, to: { node: 'encode_1', port: 'in' } });

    await commands.dispatch('edit.cut', { clipboard: board });
    expect(store.getState().document.nodes).toHaveLength(telco.nodes.length);
    expect(JSON.parse(board.text()).nodes.map((n: { id: string }) => n.id)).toEqual(['scale_1', 'encode_1']);
  });

  it('paste of bad text changes nothing and says why', async () => {
    const { store, commands } = setup();
    await commands.dispatch('edit.paste', { clipboard: clipboard('{"format": "plumb.fragment", "version": 2, "nodes": [{"id": "x"}], "edges": []}') });
    expect(canonicalOf(store.getState().document)).toBe(canonicalOf(telco));
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^Cannot paste: the copied nodes are damaged at nodes\.0\./) });
  });

  it('pastes at the pointer the canvas reports', async () => {
    const { store, commands } = setup();
    const detach = attachCanvas({ fitView() {}, zoomIn() {}, zoomOut() {}, viewCenter: () => ({ x: 0, y: 0 }), pastePoint: () => ({ x: 1000, y: 2000 }) });
    try {
      store.getState().setSelection({ nodes: ['model'], edges: [], notes: [] });
      const board = clipboard();
      await commands.dispatch('edit.copy', { clipboard: board });
      await commands.dispatch('edit.paste', { clipboard: board });
      expect(store.getState().document.nodes.at(-1)).toMatchObject({ id: 'model_1', position: { x: 1000, y: 2000 } });
    } finally {
      detach();
    }
  });

  it('duplicate, select all, sticky notes and arrange are commands with shortcuts', async () => {
    const { store, commands } = setup();
    expect(commands.commandForKey(key('a', { ctrlKey: true }))?.id).toBe('edit.selectAll');
    expect(commands.commandForKey(key('d', { ctrlKey: true }))).toBeUndefined(); // nothing selected yet
    await commands.dispatch('edit.selectAll');
    expect(store.getState().selection.nodes).toHaveLength(7);
    expect(commands.commandForKey(key('d', { ctrlKey: true }))?.id).toBe('edit.duplicate');
    store.getState().setSelection({ nodes: ['evaluate'], edges: [], notes: [] });
    await commands.dispatch('edit.duplicate');
    expect(store.getState().selectedNodeId).toBe('evaluate_1');

    expect(commands.commandForKey(key('n'))?.id).toBe('edit.addNote');
    await commands.dispatch('edit.addNote', { at: { x: 400, y: 300 } });
    expect(store.getState().document.notes).toEqual([{ id: 'note_1', position: { x: 290, y: 240 }, size: { width: 220, height: 120 }, text: '', color: 'yellow' }]);
    expect(store.getState().selection.notes).toEqual(['note_1']);

    expect(commands.commandForKey(key('L', { ctrlKey: true, shiftKey: true }))?.id).toBe('edit.autoLayout');
    expect(commands.commandForKey(key('G', { shiftKey: true }))?.id).toBe('view.snapToGrid');
    await commands.dispatch('view.snapToGrid');
    expect(store.getState().snapToGrid).toBe(true);
    expect(commands.commandForKey(key('Enter', { ctrlKey: true, altKey: true }))).toBeUndefined(); // run.node needs one node
    store.getState().select({ node: 'model' });
    expect(commands.commandForKey(key('Enter', { ctrlKey: true, altKey: true }))?.id).toBe('run.node');
  });

  it('copy, cut and paste keys are left to the browser, whose clipboard events carry the text', () => {
    const { commands } = setup();
    for (const id of ['edit.copy', 'edit.cut', 'edit.paste']) {
      expect(commands.get(id)?.nativeKey).toBe(true);
      expect(commands.shortcutLabel(id)).toMatch(/^Ctrl\+[CXV]$/);
    }
  });
});

describe('undo and redo cover every canvas edit', () => {
  it('ten edits of every kind undo back to the exact document and redo forward to the exact result', async () => {
    const { store, commands } = setup();
    const s = () => store.getState();
    const snapshots = [canonicalOf(s().document)];
    const step = async (edit: () => unknown) => {
      await edit();
      const now = canonicalOf(s().document);
      expect(now, 'each edit changes the document').not.toBe(snapshots.at(-1));
      snapshots.push(now);
    };
    await step(() => s().addNode('feature.impute', { x: 100, y: 500 }));
    await step(() => s().setParam('featureimpute_1', 'strategy', 'median'));
    await step(() => s().moveElements({ nodes: { scale: { x: 33, y: 44 }, encode: { x: 55, y: 66 } } }));
    await step(() => s().addNote({ x: 0, y: -200 }));
    await step(() => s().setNoteText('note_1', 'Impute before the split leaks'));
    await step(() => s().resizeNote('note_1', { x: -10, y: -210 }, { width: 300, height: 140 }));
    await step(() => s().setNoteColor('note_1', 'pink'));
    await step(() => {
      s().setSelection({ nodes: ['checks'], edges: [], notes: [] });
      return commands.dispatch('edit.duplicate');
    });
    await step(() => commands.dispatch('edit.autoLayout'));
    await step(() => {
      s().setSelection({ nodes: ['checks_1'], edges: [], notes: ['note_1'] });
      return commands.dispatch('edit.delete');
    });
    expect(store.temporal.getState().pastStates).toHaveLength(10);
    for (let i = 9; i >= 0; i--) {
      await commands.dispatch('edit.undo');
      expect(canonicalOf(s().document)).toBe(snapshots[i]);
    }
    expect(selectDirty(s())).toBe(false);
    expect(commands.isEnabled('edit.undo')).toBe(false);
    for (let i = 1; i <= 10; i++) {
      await commands.dispatch('edit.redo');
      expect(canonicalOf(s().document)).toBe(snapshots[i]);
    }
  });
});
