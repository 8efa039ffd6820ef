import type { CompareTarget, DiffController } from '../app/diff-controller.js';
import { selectDiff } from '../state/diff-slice.js';
import type { CommandContext } from './app-commands.js';
import type { Command } from './registry.js';

/** `{path}` or `{git: 'HEAD'}` as handed to diff.compare by the Compare dialog; anything else asks. */
function targetOf(arg: unknown): CompareTarget | null {
  if (arg === null || typeof arg !== 'object') return null;
  const a = arg as Record<string, unknown>;
  if (a.git === 'HEAD') return { git: 'HEAD' };
  if (typeof a.path === 'string' && a.path.trim() !== '') return { path: a.path.trim() };
  return null;
}

/** `{browse: true}`: pick the other version with the host's native file dialog. */
const isBrowse = (arg: unknown): boolean => arg !== null && typeof arg === 'object' && (arg as { browse?: unknown }).browse === true;

/**
 * The diff view's commands. Escape also closes the view (the Changes panel listens for it) unless a
 * run is under way: then Escape is run.cancel's, which the registry keeps to one command per key.
 */
export function diffCommands(diff: DiffController): Command<CommandContext>[] {
  return [
    {
      id: 'diff.compare',
      label: 'Compare with…',
      shortcuts: ['Shift+Mod+D'],
      // Without a target it asks (a path, a bundle or the file's git HEAD); the dialog dispatches
      // again with the answer and stays open, with the reason in a toast, when it cannot be read.
      perform: async (c, arg) => {
        let target = targetOf(arg);
        if (!target && isBrowse(arg)) {
          const path = await diff.browse();
          if (!path) return;
          target = { path };
        }
        if (!target) {
          c.store.getState().showDialog({ kind: 'compare' });
          return;
        }
        if (await diff.compare(target)) {
          const { dialog, closeDialog } = c.store.getState();
          if (dialog?.kind === 'compare') closeDialog();
        }
      },
    },
    {
      id: 'diff.close',
      label: 'Close diff',
      enabled: (c) => selectDiff(c.store.getState()) !== null,
      perform: (c) => c.store.getState().closeDiff(),
    },
  ];
}
