import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { loadedSignature, SLOT_IDS } from '../state/playground-slice.js';
import { isRunActive } from '../state/run-slice.js';
import { selectDirty } from '../state/selectors.js';
import type { AppStore } from '../state/store.js';
import { EDIT_COMMANDS } from './edit-commands.js';
import { helpCommands } from './help.js';
import { createCommandRegistry, type Command, type CommandRegistry } from './registry.js';

export interface CommandContext {
  readonly store: AppStore;
  readonly controller: Controller;
  readonly playground: PlaygroundController;
}

export type AppCommands = CommandRegistry<CommandContext>;

/** The commands the Electron menu sends (see src-main/hosts/electron/menu.ts). */
export const MENU_COMMANDS = ['file.new', 'file.open', 'file.openPath', 'file.save', 'file.saveAs', 'file.openBundle', 'file.exportBundle', 'diff.compare', 'cluster.exportArgo', 'cluster.importRun'] as const;

const runStatus = (ctx: CommandContext) => ctx.store.getState().run.status;

/** The selected node, when it is still in the document. */
const selectedNode = (ctx: CommandContext): string | null => {
  const { selectedNodeId, document } = ctx.store.getState();
  return selectedNodeId && document.nodes.some((n) => n.id === selectedNodeId) ? selectedNodeId : null;
};

/** run.until and run.node act on the selected node, and not while another run is under way. */
const canRunSelected = (ctx: CommandContext): boolean => selectedNode(ctx) !== null && !isRunActive(runStatus(ctx));

export const APP_COMMANDS: readonly Command<CommandContext>[] = [
  { id: 'file.new', label: 'New', shortcuts: ['Mod+N'], perform: (c) => c.controller.newDocument() },
  { id: 'file.open', label: 'Open…', shortcuts: ['Mod+O'], perform: (c) => c.controller.open() },
  {
    id: 'file.openPath',
    label: 'Open recent',
    perform: async (c, arg) => {
      if (typeof arg === 'string' && arg) await c.controller.openPath(arg);
    },
  },
  { id: 'file.save', label: 'Save', shortcuts: ['Mod+S'], perform: async (c) => void (await c.controller.save()) },
  {
    id: 'file.saveAs',
    label: 'Save As…',
    shortcuts: ['Shift+Mod+S'],
    perform: async (c) => void (await c.controller.saveAs()),
  },
  {
    id: 'edit.undo',
    label: 'Undo',
    shortcuts: ['Mod+Z'],
    enabled: (c) => c.store.temporal.getState().pastStates.length > 0,
    perform: (c) => c.store.getState().undo(),
  },
  {
    id: 'edit.redo',
    label: 'Redo',
    shortcuts: ['Shift+Mod+Z', 'Ctrl+Y'],
    enabled: (c) => c.store.temporal.getState().futureStates.length > 0,
    perform: (c) => c.store.getState().redo(),
  },
  // edit.delete, copy/paste, duplicate and the canvas's view commands: see edit-commands.ts.
  {
    id: 'run.all',
    label: 'Run',
    shortcuts: ['Mod+Enter'],
    enabled: (c) => !isRunActive(runStatus(c)),
    perform: (c) => c.controller.run({ mode: 'all' }),
  },
  {
    id: 'run.force',
    label: 'Run all (ignore cache)',
    enabled: (c) => !isRunActive(runStatus(c)),
    perform: (c) => c.controller.run({ mode: 'all', force: true }),
  },
  {
    id: 'run.until',
    label: 'Run to here',
    shortcuts: ['Shift+Mod+Enter'],
    enabled: canRunSelected,
    perform: async (c) => {
      const node = selectedNode(c);
      if (node) await c.controller.run({ mode: 'until', node });
    },
  },
  {
    id: 'run.node',
    label: 'Re-run this node',
    shortcuts: ['Alt+Mod+Enter'],
    enabled: canRunSelected,
    perform: async (c) => {
      const node = selectedNode(c);
      if (node) await c.controller.run({ mode: 'node', node });
    },
  },
  {
    id: 'run.cancel',
    label: 'Cancel run',
    shortcuts: ['Escape'],
    enabled: (c) => isRunActive(runStatus(c)),
    perform: (c) => c.controller.cancelRun(),
  },
];

const inReview = (c: CommandContext): boolean => c.store.getState().review !== null;

/** Why a refused command does nothing while a bundle is under review (the Run buttons' tooltip). */
export const REVIEW_READ_ONLY_HINT = 'review mode: import as editable to run';

/**
 * Commands that change the pipeline, run it or write its file: disabled while a bundle is under
 * review (the document slice refuses the edits too, whatever path they take).
 */
export const EDITING_COMMANDS: ReadonlySet<string> = new Set([
  'file.save',
  'file.saveAs',
  'file.exportBundle',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.cut',
  'edit.paste',
  'edit.duplicate',
  'edit.addNote',
  'edit.autoLayout',
  'run.all',
  'run.force',
  'run.until',
  'run.node',
]);

function readOnlyInReview(command: Command<CommandContext>): Command<CommandContext> {
  if (!EDITING_COMMANDS.has(command.id)) return command;
  const enabled = command.enabled;
  return { ...command, enabled: (c) => !inReview(c) && (enabled ? enabled(c) : true) };
}

/** Review bundles: export the saved pipeline's last run, open one for review, comment on it. */
export const REVIEW_COMMANDS: readonly Command<CommandContext>[] = [
  { id: 'file.openBundle', label: 'Open review bundle…', perform: (c) => c.controller.review.open() },
  {
    id: 'file.exportBundle',
    label: 'Export review bundle…',
    // Made from the file on disk and its last run: unsaved edits would not be in it.
    enabled: (c) => {
      const s = c.store.getState();
      return s.path !== null && !selectDirty(s);
    },
    perform: (c) => c.store.getState().showDialog({ kind: 'exportBundle' }),
  },
  { id: 'review.saveComments', label: 'Save with comments…', enabled: inReview, perform: (c) => c.store.getState().showDialog({ kind: 'saveComments' }) },
  { id: 'review.import', label: 'Import as editable', enabled: inReview, perform: (c) => c.controller.review.importAsEditable() },
  { id: 'review.close', label: 'Close review', enabled: inReview, perform: (c) => c.controller.review.close() },
];

/** A model is loaded in some slot and none of them is busy predicting. */
const canPredict = (ctx: CommandContext): boolean => {
  const { slots } = ctx.store.getState().playground;
  const loaded = SLOT_IDS.map((id) => slots[id]).filter((s) => loadedSignature(s) !== null);
  return loaded.length > 0 && loaded.every((s) => s?.prediction?.state !== 'loading' && s?.latency?.state !== 'loading');
};

/**
 * The playground's commands. Predict's Ctrl/Cmd+Enter is bound by the playground pane itself
 * (PlaygroundPane's key handler): globally that key runs the pipeline, inside the pane it predicts.
 */
export const PLAYGROUND_COMMANDS: readonly Command<CommandContext>[] = [
  {
    id: 'view.playground',
    label: 'Show the playground',
    shortcuts: ['Shift+Mod+P'],
    perform: (c) => c.store.getState().setSideTab('playground'),
  },
  {
    id: 'playground.openFile',
    label: 'Open .onnx file…',
    perform: (c) => {
      c.store.getState().setSideTab('playground');
      return c.playground.openFile('a');
    },
  },
  { id: 'playground.predict', label: 'Predict', enabled: canPredict, perform: (c) => c.playground.predict() },
  { id: 'playground.latency', label: 'Measure latency', enabled: canPredict, perform: (c) => c.playground.measureLatency() },
];

export function createAppCommands(ctx: CommandContext, isMac: boolean): AppCommands {
  const registry = createCommandRegistry(ctx, {
    isMac,
    onError: (error) => ctx.controller.reportError(error),
  });
  for (const command of [...APP_COMMANDS, ...EDIT_COMMANDS, ...PLAYGROUND_COMMANDS, ...REVIEW_COMMANDS]) registry.register(readOnlyInReview(command));
  for (const command of helpCommands<CommandContext>((c) => c.store.getState().showDialog({ kind: 'help' }))) registry.register(command);
  return registry;
}
