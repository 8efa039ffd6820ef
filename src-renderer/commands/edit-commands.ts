import { catalogue } from '../../nodes/index.js';
import { copySelection, DUPLICATE_OFFSET, fragmentText, parseClipboardText } from '../state/clipboard.js';
import type { XY } from '../state/document-ops.js';
import { isSelectionEmpty } from '../state/selection.js';
import type { CommandContext } from './app-commands.js';
import { canvasPort } from './canvas-port.js';
import type { Command } from './registry.js';

/**
 * The canvas's editing and view commands. Copy, cut and paste go through the system clipboard
 * as JSON text: from the keyboard the browser's own clipboard events carry the text (no
 * permission prompt), from a menu the async Clipboard API does.
 */

/** What a clipboard event hands a command: the event's clipboardData. */
export interface ClipboardArg {
  readonly clipboard: Pick<DataTransfer, 'getData' | 'setData'>;
}
/** A menu opened at a point of the canvas hands that point to paste and add-note. */
export interface PointArg {
  readonly at: XY;
}

const isClipboardArg = (arg: unknown): arg is ClipboardArg =>
  typeof arg === 'object' && arg !== null && 'clipboard' in arg && typeof (arg as ClipboardArg).clipboard?.getData === 'function';
const isPointArg = (arg: unknown): arg is PointArg =>
  typeof arg === 'object' && arg !== null && 'at' in arg && typeof (arg as PointArg).at?.x === 'number';

const hasCopyable = (c: CommandContext): boolean => {
  const { selection } = c.store.getState();
  return selection.nodes.length > 0 || selection.notes.length > 0;
};

async function copy(c: CommandContext, arg: unknown): Promise<boolean> {
  const { document, selection } = c.store.getState();
  const fragment = copySelection(document, selection);
  if (!fragment) return false;
  const text = fragmentText(fragment);
  if (isClipboardArg(arg)) arg.clipboard.setData('text/plain', text);
  else await navigator.clipboard.writeText(text);
  return true;
}

async function paste(c: CommandContext, arg: unknown): Promise<void> {
  const text = isClipboardArg(arg) ? arg.clipboard.getData('text/plain') : await navigator.clipboard.readText();
  if (!text.trim()) return;
  const parsed = parseClipboardText(text, catalogue);
  if (!parsed.ok) {
    c.store.getState().pushToast('error', parsed.reason);
    return;
  }
  const at = isPointArg(arg) ? arg.at : canvasPort()?.pastePoint();
  c.store.getState().pasteFragment(parsed.fragment, at ? { at } : { offset: DUPLICATE_OFFSET });
}

export const EDIT_COMMANDS: readonly Command<CommandContext>[] = [
  {
    id: 'edit.delete',
    label: 'Delete',
    shortcuts: ['Delete', 'Backspace'],
    enabled: (c) => !isSelectionEmpty(c.store.getState().selection),
    perform: (c) => c.store.getState().deleteSelection(),
  },
  {
    id: 'edit.selectAll',
    label: 'Select all',
    shortcuts: ['Mod+A'],
    perform: (c) => {
      const { document, setSelection } = c.store.getState();
      setSelection({ nodes: document.nodes.map((n) => n.id), edges: document.edges.map((e) => e.id), notes: (document.notes ?? []).map((n) => n.id) });
    },
  },
  { id: 'edit.copy', label: 'Copy', shortcuts: ['Mod+C'], nativeKey: true, enabled: hasCopyable, perform: async (c, arg) => void (await copy(c, arg)) },
  {
    id: 'edit.cut',
    label: 'Cut',
    shortcuts: ['Mod+X'],
    nativeKey: true,
    enabled: hasCopyable,
    perform: async (c, arg) => {
      if (await copy(c, arg)) c.store.getState().deleteSelection();
    },
  },
  { id: 'edit.paste', label: 'Paste', shortcuts: ['Mod+V'], nativeKey: true, perform: paste },
  {
    id: 'edit.duplicate',
    label: 'Duplicate',
    shortcuts: ['Mod+D'],
    enabled: hasCopyable,
    perform: (c) => void c.store.getState().duplicateSelection(),
  },
  {
    id: 'edit.addNote',
    label: 'Add sticky note',
    shortcuts: ['N'],
    perform: (c, arg) => {
      const at = isPointArg(arg) ? arg.at : canvasPort()?.viewCenter();
      // A note is added with its top-left a little up-left of the point, so it lands under the eye.
      c.store.getState().addNote(at ? { x: Math.round(at.x - 110), y: Math.round(at.y - 60) } : { x: 0, y: 0 });
    },
  },
  {
    id: 'edit.autoLayout',
    label: 'Arrange nodes',
    shortcuts: ['Shift+Mod+L'],
    enabled: (c) => c.store.getState().document.nodes.length > 1,
    perform: (c) => {
      const { selection, measured, autoLayout } = c.store.getState();
      // With two or more nodes selected only they move; otherwise the whole pipeline.
      const only = selection.nodes.length > 1 ? new Set(selection.nodes) : undefined;
      autoLayout((id) => measured[id] ?? { width: 210, height: 130 }, only);
      const port = canvasPort();
      // Fit once React Flow has drawn the new positions.
      if (port) requestAnimationFrame(() => port.fitView());
    },
  },
  { id: 'view.fit', label: 'Fit view', shortcuts: ['F'], perform: () => canvasPort()?.fitView() },
  { id: 'view.zoomIn', label: 'Zoom in', shortcuts: ['='], perform: () => canvasPort()?.zoomIn() },
  { id: 'view.zoomOut', label: 'Zoom out', shortcuts: ['-'], perform: () => canvasPort()?.zoomOut() },
  {
    id: 'view.snapToGrid',
    label: 'Snap to grid',
    shortcuts: ['Shift+G'],
    perform: (c) => c.store.getState().toggleSnapToGrid(),
  },
];
