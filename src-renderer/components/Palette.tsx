import { catalogue, NODE_SPECS } from '../../nodes/index.js';
import { NODE_CATEGORIES, type NodeSpec } from '../../src-shared/nodes/spec.js';
import { NODE_DRAG_TYPE, useAddNodeAtCenter } from './canvas/use-add-node.js';

// Only the newest version of each type is offered; older ones exist for saved pipelines.
const GROUPS = NODE_CATEGORIES.map((category) => ({
  category,
  specs: NODE_SPECS.filter((s) => s.category === category && catalogue.latest(s.type) === s),
})).filter((g) => g.specs.length > 0);

export function Palette() {
  const addNode = useAddNodeAtCenter();
  return (
    <aside className="palette" aria-label="Node palette">
      <h2 className="panel-title">Nodes</h2>
      <p className="hint">Drag onto the canvas, or click to add.</p>
      {GROUPS.map((g) => (
        <section key={g.category} className="palette-group">
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
      title={spec.summary}
      onDragStart={(e) => {
        e.dataTransfer.setData(NODE_DRAG_TYPE, spec.type);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onClick={() => onAdd(spec.type)}
    >
      <span className="palette-item-title">{spec.title}</span>
      <span className="palette-item-type">{spec.type}</span>
    </button>
  );
}
