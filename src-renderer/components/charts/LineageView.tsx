import { useEffect, useMemo, useState } from 'react';
import type { LineageGraphData } from '../../../src-shared/api/charts-contract.js';
import { useActions, useApp, useCharts } from '../../app/context.js';
import { lineageGraphOption } from './chart-options.js';
import { EChart } from './EChart.js';

export function LineageView() {
  const charts = useCharts();
  const lineage = useApp((s) => s.charts.lineage);
  const [subject, setSubject] = useState(lineage?.subject ?? '');
  const [models, setModels] = useState<readonly string[]>([]);

  useEffect(() => {
    let live = true;
    void charts.listModels().then((m) => live && setModels(m));
    return () => {
      live = false;
    };
  }, [charts]);
  useEffect(() => {
    if (lineage) setSubject(lineage.subject);
  }, [lineage]);

  const show = (s: string) => {
    if (s.trim()) void charts.openLineage(s.trim());
  };

  return (
    <div className="lineage" data-testid="lineage-view">
      <form
        className="charts-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          show(subject);
        }}
      >
        <input
          type="text"
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          placeholder="run id, artifact hash, or model:name[:version]"
          aria-label="Lineage of"
          data-testid="lineage-subject"
        />
        <button type="submit" className="button">
          Show
        </button>
        {models.length > 0 && (
          <select value="" onChange={(e) => show(`model:${e.target.value}`)} aria-label="Lineage of a registered model" data-testid="lineage-model">
            <option value="">Model…</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        )}
      </form>
      {lineage === null ? (
        <p className="hint">
          Pick a registered model, or type a run id or an artifact hash (the Experiments view's Lineage button fills it in): its inputs back to the source files, and what was made from it.
        </p>
      ) : lineage.graph.state === 'loading' ? (
        <p className="hint">Walking the lineage…</p>
      ) : lineage.graph.state === 'error' ? (
        <p className="error" role="alert">
          {lineage.graph.message}
        </p>
      ) : (
        <LineageGraph graph={lineage.graph.data} />
      )}
    </div>
  );
}

function LineageGraph({ graph }: { graph: LineageGraphData }) {
  const charts = useCharts();
  const { selectLineageItem } = useActions();
  const selectedId = useApp((s) => s.charts.lineageSelected);
  const option = useMemo(() => lineageGraphOption(graph, selectedId), [graph, selectedId]);
  const selected = graph.items.find((i) => i.id === selectedId) ?? null;
  const counts = graph.items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.kind]: (acc[i.kind] ?? 0) + 1 }), {});

  return (
    <>
      <p className="hint" data-testid="lineage-counts">
        {Object.entries(counts)
          .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
          .join(', ')}
        {graph.truncated ? ' (cut at the step limit)' : ''}
      </p>
      <EChart option={option} testId="lineage-graph" label={`Lineage of ${graph.subject}`} fileName="lineage" height={360} onItemClick={selectLineageItem} />
      <div className="lineage-items">
        <ul className="lineage-list" aria-label="Lineage items">
          {graph.items.map((i) => (
            <li key={i.id}>
              <button type="button" className={i.id === selectedId ? 'link selected' : 'link'} onClick={() => selectLineageItem(i.id)} data-testid="lineage-item" data-kind={i.kind}>
                <span className={`kind ${i.kind}`}>{i.kind}</span> {i.label}
                {i.root ? ' (subject)' : ''}
              </button>
            </li>
          ))}
        </ul>
        {selected && (
          <div className="lineage-details" data-testid="lineage-details" data-kind={selected.kind}>
            <h3>
              {selected.kind}: {selected.label}
            </h3>
            <dl>
              {selected.details.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd data-testid={`lineage-detail-${k.replace(/\s+/g, '-')}`}>{v}</dd>
                </div>
              ))}
            </dl>
            {selected.subject && !selected.root && (
              <button type="button" className="button" onClick={() => void charts.openLineage(selected.subject!)} data-testid="lineage-recenter">
                Lineage of this {selected.kind}
              </button>
            )}
          </div>
        )}
      </div>
    </>
  );
}
