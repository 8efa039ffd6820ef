import './charts.css';
import { useActions, useApp } from '../../app/context.js';
import type { ChartsView } from '../../state/charts-slice.js';
import { DriftView } from './DriftView.js';
import { ExperimentsView } from './ExperimentsView.js';
import { LineageView } from './LineageView.js';

const VIEWS: readonly { id: ChartsView; label: string }[] = [
  { id: 'experiments', label: 'Experiments' },
  { id: 'drift', label: 'Drift' },
  { id: 'lineage', label: 'Lineage' },
];

/** The side panel's Charts tab: experiments compared, drift explained, lineage drawn. */
export function ChartsPanel() {
  const view = useApp((s) => s.charts.view);
  const { setChartsView } = useActions();
  return (
    <div className="charts-panel" data-testid="charts-panel">
      <div className="charts-views" role="tablist" aria-label="Charts views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={view === v.id}
            className={view === v.id ? 'charts-view-tab active' : 'charts-view-tab'}
            data-testid={`charts-view-${v.id}`}
            onClick={() => setChartsView(v.id)}
          >
            {v.label}
          </button>
        ))}
      </div>
      {view === 'experiments' && <ExperimentsView />}
      {view === 'drift' && <DriftView />}
      {view === 'lineage' && <LineageView />}
    </div>
  );
}
