import { lazy, Suspense, useEffect } from 'react';
import { useActions, useApp, useCommands } from '../../app/context.js';
import type { SideTab } from '../../state/ui-slice.js';
import { PlaygroundPane } from '../playground/PlaygroundPane.js';
import { DiffPanel } from './DiffPanel.js';
import { Inspector } from './Inspector.js';

// The charts panel (its ECharts series and reports) is a chunk of its own, kept out of the first
// load; it is fetched and compiled as soon as the app has started, so the first click on the tab
// does not wait for it.
const loadChartsPanel = () => import('../charts/ChartsPanel.js');
const ChartsPanel = lazy(() => loadChartsPanel().then((m) => ({ default: m.ChartsPanel })));
// The serving panel shares the charts' ECharts chunk and is loaded when its tab opens.
const ServingPanel = lazy(() => import('../serving/ServingPanel.js').then((m) => ({ default: m.ServingPanel })));

const TABS: readonly { id: SideTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'charts', label: 'Charts' },
  { id: 'playground', label: 'Playground' },
  { id: 'serving', label: 'Serving' },
];

export function SidePanel() {
  const tab = useApp((s) => s.sideTab);
  const { setSideTab } = useActions();
  const commands = useCommands();
  const playgroundShortcut = commands.shortcutLabel('view.playground');
  useEffect(() => {
    const prefetch = setTimeout(() => void loadChartsPanel().catch(() => {}), 0);
    return () => clearTimeout(prefetch);
  }, []);
  return (
    <aside className="side-panel" aria-label="Side panel">
      <DiffPanel />
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
            title={t.id === 'playground' && playgroundShortcut ? `Playground (${playgroundShortcut})` : undefined}
            onClick={() => (t.id === 'playground' ? void commands.dispatch('view.playground') : setSideTab(t.id))}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'inspector' && <Inspector />}
        {tab === 'charts' && (
          <Suspense fallback={<p className="hint">Loading the charts…</p>}>
            <ChartsPanel />
          </Suspense>
        )}
        {tab === 'playground' && <PlaygroundPane />}
        {tab === 'serving' && (
          <Suspense fallback={<p className="hint">Loading the serving panel…</p>}>
            <ServingPanel />
          </Suspense>
        )}
      </div>
    </aside>
  );
}
