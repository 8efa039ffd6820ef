import { describe, expect, it, vi } from 'vitest';
import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';
import { createCommandRegistry, normalizeShortcut, type KeyLike } from './registry.js';

const key = (k: string, mods: Partial<Omit<KeyLike, 'key'>> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

// Registration never calls the controller.
const stubController = {} as Controller;
const stubPlayground = {} as PlaygroundController;

function registry(isMac = false) {
  const onError = vi.fn();
  const ctx = { calls: [] as unknown[] };
  return { reg: createCommandRegistry(ctx, { isMac, onError }), ctx, onError };
}

describe('command registry', () => {
  it('throws when two commands claim one shortcut, however it is spelled', () => {
    const { reg } = registry();
    reg.register({ id: 'a', label: 'A', shortcuts: ['Mod+Y'], perform: () => {} });
    expect(() => reg.register({ id: 'b', label: 'B', shortcuts: ['ctrl+y'], perform: () => {} })).toThrow(
      /ctrl\+y.*"a".*"b"/,
    );
  });

  it('throws when an id is registered twice', () => {
    const { reg } = registry();
    reg.register({ id: 'a', label: 'A', perform: () => {} });
    expect(() => reg.register({ id: 'a', label: 'A again', perform: () => {} })).toThrow(/twice/);
  });

  it('maps Mod to Cmd on macOS and Ctrl elsewhere', () => {
    expect(normalizeShortcut('Shift+Mod+S', true)).toBe('meta+shift+s');
    expect(normalizeShortcut('Shift+Mod+S', false)).toBe('ctrl+shift+s');
  });

  it('dispatches with the context and argument, and finds commands by key', async () => {
    const { reg, ctx } = registry();
    reg.register({ id: 'file.openPath', label: 'Open', perform: (c, arg) => void c.calls.push(arg) });
    reg.register({ id: 'file.save', label: 'Save', shortcuts: ['Mod+S'], perform: (c) => void c.calls.push('save') });
    expect(await reg.dispatch('file.openPath', '/x.plumb')).toBe(true);
    expect(reg.commandForKey(key('s', { ctrlKey: true }))?.id).toBe('file.save');
    expect(reg.commandForKey(key('S', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(reg.commandForKey(key('s'))).toBeUndefined();
    expect(await reg.dispatch('nope')).toBe(false);
    expect(ctx.calls).toEqual(['/x.plumb']);
  });

  it('does nothing for a disabled command', async () => {
    const { reg } = registry();
    const perform = vi.fn();
    reg.register({ id: 'run.cancel', label: 'Cancel', shortcuts: ['Escape'], enabled: () => false, perform });
    expect(await reg.dispatch('run.cancel')).toBe(false);
    expect(reg.commandForKey(key('Escape'))).toBeUndefined();
    expect(perform).not.toHaveBeenCalled();
  });

  it('hands failures to onError instead of throwing', async () => {
    const { reg, onError } = registry();
    reg.register({
      id: 'x',
      label: 'X',
      perform: async () => {
        throw new Error('nope');
      },
    });
    await reg.dispatch('x');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'nope' }), 'x');
  });

  it('labels shortcuts per platform', () => {
    const pc = registry(false).reg;
    const mac = registry(true).reg;
    for (const r of [pc, mac]) r.register({ id: 'save', label: 'Save As', shortcuts: ['Shift+Mod+S'], perform: () => {} });
    expect(pc.shortcutLabel('save')).toBe('Ctrl+Shift+S');
    expect(mac.shortcutLabel('save')).toBe('⇧⌘S');
  });

  it('registers all app commands without conflicts on either platform', () => {
    for (const isMac of [false, true]) {
      const reg = createAppCommands({ store: createAppStore(), controller: stubController, playground: stubPlayground }, isMac);
      expect(reg.list().map((c) => c.id)).toEqual(
        expect.arrayContaining(['file.new', 'file.open', 'file.save', 'file.saveAs', 'edit.undo', 'edit.redo', 'edit.delete', 'run.all', 'run.cancel', 'view.playground', 'playground.predict']),
      );
    }
  });
});
