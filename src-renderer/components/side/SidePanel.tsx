import { useActions, useApp } from '../../app/context.js';
import type { SideTab } from '../../state/ui-slice.js';
import { Inspector } from './Inspector.js';

const TABS: readonly { id: SideTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'charts', label: 'Charts' },
  { id: 'playground', label: 'Playground' },
];

export function SidePanel() {
  const tab = useApp((s) => s.sideTab);
  const { setSideTab } = useActions();
  return (
    <aside className="side-panel" aria-label="Side panel">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`tabpanel-${t.id}`}
            className={tab === t.id ? 'tab active' : 'tab'}
            data-testid={`tab-${t.id}`}
            onClick={() => setSideTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'inspector' && <Inspector />}
        {tab === 'charts' && (
          <Placeholder title="Charts">
            Experiment comparison will live here: a table of runs with their params and metrics, metric bars,
            parallel coordinates, ROC and PR overlays, confusion matrices, training curves, and drift reports per
            column.
          </Placeholder>
        )}
        {tab === 'playground' && (
          <Placeholder title="Playground">
            Test models here: open a registered model or any .onnx file, see its signature, fill in a form generated
            from its inputs or upload a CSV for batch predictions, and compare two models side by side with their
            latency.
          </Placeholder>
        )}
      </div>
    </aside>
  );
}

function Placeholder({ title, children }: { title: string; children: string }) {
  return (
    <div className="placeholder" data-testid={`${title.toLowerCase()}-placeholder`}>
      <h2 className="panel-title">{title}</h2>
      <p>{children}</p>
      <p className="hint">Not built yet.</p>
    </div>
  );
}
