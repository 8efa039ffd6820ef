import './palette.css';
import { useMemo, useState, type KeyboardEvent } from 'react';
import { catalogue, NODE_SPECS } from '../../nodes/index.js';
import type { NodeSpec } from '../../src-shared/nodes/spec.js';
import { NODE_DRAG_TYPE, useAddNodeAtCenter } from './canvas/use-add-node.js';
import { paletteGroups } from './palette-filter.js';

// Only the newest version of each type is offered; older ones exist for saved pipelines.
const LATEST = NODE_SPECS.filter((s) => catalogue.latest(s.type) === s);

export function Palette() {
  const addNode = useAddNodeAtCenter();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(LATEST, query), [query]);
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Escape') setQuery('');
    // Enter adds the first match: type "split", press Enter, and the node is on the canvas.
    const first = groups[0]?.specs[0];
    if (e.key === 'Enter' && first) addNode(first.type);
  };
  return (
    <aside className="palette" aria-label="Node palette">
      <h2 className="panel-title">Nodes</h2>
      <input
        type="search"
        className="palette-search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <p className="hint">Drag onto the canvas, or double-click to add.</p>
      {groups.length === 0 && (
        <p className="hint" data-testid="palette-empty">
          No node matches “{query}”.
        </p>
      )}
      {groups.map((g) => (
        <section key={g.category} className="palette-group" data-testid={`palette-group-${g.category}`}>
          <h3 className={`palette-category cat-${g.category}`}>{g.category}</h3>
          {g.specs.map((spec) => (
            <PaletteItem key={spec.type} spec={spec} onAdd={addNode} />
          ))}
        </section>
      ))}
    </aside>
  );
}

function PaletteItem({ spec, onAdd }: { spec: NodeSpec; onAdd: (type: string) => void }) {
  return (
    <button
      type="button"
      className={`palette-item cat-${spec.category}`}
      data-testid={`palette-${spec.type}`}
      draggable
      title={`${spec.summary}\n\nDouble-click or Enter to add at the centre of the view.`}
      onDragStart={(e) => {
        e.dataTransfer.setData(NODE_DRAG_TYPE, spec.type);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      // A single click does nothing, so that a slip of the mouse adds no node; Enter is the keyboard's way.
      onDoubleClick={() => onAdd(spec.type)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onAdd(spec.type);
        }
      }}
    >
      <span className="palette-item-title">{spec.title}</span>
      <span className="palette-item-summary">{spec.summary}</span>
      <span className="palette-item-type">{spec.type}</span>
    </button>
  );
}
