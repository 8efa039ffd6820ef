import { describe, expect, it } from 'vitest';
import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';
import { commandGroups } from './help.js';

const app = (isMac: boolean) => {
  const store = createAppStore();
  const commands = createAppCommands({ store, controller: {} as Controller, playground: {} as PlaygroundController }, isMac);
  return { store, commands };
};

describe('help overlay', () => {
  it('lists every registered command once, grouped in menu order, with all its shortcuts', () => {
    const { commands } = app(false);
    const groups = commandGroups(commands);
    const ids = groups.flatMap((g) => g.entries.map((e) => e.id));
    expect(ids.sort()).toEqual(commands.list().map((c) => c.id).sort());
    const titles = groups.map((g) => g.title);
    expect(titles.slice(0, 2)).toEqual(['File', 'Edit']);
    expect(titles.indexOf('Run')).toBeGreaterThan(titles.indexOf('Edit'));
    const entry = (id: string) => groups.flatMap((g) => g.entries).find((e) => e.id === id);
    expect(entry('edit.redo')?.shortcuts).toEqual(['Ctrl+Shift+Z', 'Ctrl+Y']);
    expect(entry('file.save')?.shortcuts).toEqual(['Ctrl+S']);
    expect(entry('help.shortcuts')?.shortcuts).toContain('?');
  });

  it('writes shortcuts the macOS way on a Mac', () => {
    const { commands } = app(true);
    const save = commandGroups(commands).flatMap((g) => g.entries).find((e) => e.id === 'file.save');
    expect(save?.shortcuts).toEqual(['⌘S']);
  });

  it('is bound to "?" (with or without Shift, by keyboard layout) and F1, and opens the overlay', async () => {
    const { store, commands } = app(false);
    const key = { ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };
    expect(commands.commandForKey({ ...key, key: '?', shiftKey: true })?.id).toBe('help.shortcuts');
    expect(commands.commandForKey({ ...key, key: '?' })?.id).toBe('help.shortcuts');
    expect(commands.commandForKey({ ...key, key: 'F1' })?.id).toBe('help.shortcuts');
    expect(await commands.dispatch('help.shortcuts')).toBe(true);
    expect(store.getState().dialog).toEqual({ kind: 'help' });
  });
});
