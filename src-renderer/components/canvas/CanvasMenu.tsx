import { useEffect, useRef } from 'react';
import { useCommands } from '../../app/context.js';
import type { XY } from '../../state/document-ops.js';

/** A right-click menu: on a node or a selection, or on the empty canvas. */
export interface CanvasMenuState {
  readonly kind: 'node' | 'pane' | 'edge';
  /** Where it opened, in pixels from the canvas's top-left. */
  readonly x: number;
  readonly y: number;
  /** The same point in canvas coordinates: where a note or a paste goes. */
  readonly at: XY;
}

interface Item {
  readonly command: string;
  readonly label?: string;
  /** Hands the click point to the command. */
  readonly atPoint?: boolean;
}

const SEP = null;
const MENUS: Record<CanvasMenuState['kind'], readonly (Item | null)[]> = {
  node: [
    { command: 'run.until', label: 'Run to here' },
    { command: 'run.node', label: 'Re-run this node' },
    SEP,
    { command: 'edit.copy' },
    { command: 'edit.cut' },
    { command: 'edit.duplicate' },
    { command: 'edit.autoLayout', label: 'Arrange selected nodes' },
    SEP,
    { command: 'edit.delete' },
  ],
  edge: [{ command: 'edit.delete', label: 'Delete connection' }],
  pane: [
    { command: 'edit.paste', label: 'Paste here', atPoint: true },
    { command: 'edit.addNote', label: 'Add sticky note here', atPoint: true },
    SEP,
    { command: 'edit.selectAll' },
    { command: 'edit.autoLayout' },
    { command: 'view.fit' },
    { command: 'view.snapToGrid' },
    SEP,
    { command: 'run.all', label: 'Run all' },
  ],
};

export function CanvasMenu({ menu, snapToGrid, onClose }: { menu: CanvasMenuState; snapToGrid: boolean; onClose: () => void }) {
  const commands = useCommands();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const onDown = (e: PointerEvent): void => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('pointerdown', onDown, true);
    return () => window.removeEventListener('pointerdown', onDown, true);
  }, [onClose]);

  const items = MENUS[menu.kind];
  return (
    <div
      ref={ref}
      className="canvas-menu"
      role="menu"
      data-testid="canvas-menu"
      style={{ left: menu.x, top: menu.y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item, i) => {
        if (!item) return <div key={`sep-${i}`} className="canvas-menu-sep" role="separator" />;
        const command = commands.get(item.command);
        if (!command) return null;
        const shortcut = commands.shortcutLabel(item.command);
        const checked = item.command === 'view.snapToGrid' ? snapToGrid : undefined;
        return (
          <button
            key={item.command}
            type="button"
            role={checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={checked}
            data-testid={`menu-${item.command}`}
            disabled={!commands.isEnabled(item.command)}
            onClick={() => {
              onClose();
              void commands.dispatch(item.command, item.atPoint ? { at: menu.at } : undefined);
            }}
          >
            <span className="canvas-menu-check">{checked ? '✓' : ''}</span>
            <span className="canvas-menu-label">{item.label ?? command.label}</span>
            {shortcut && <kbd>{shortcut}</kbd>}
          </button>
        );
      })}
    </div>
  );
}
