import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import { cellText, runLabel, type ExperimentColumn, type ExperimentTable, type SortSpec } from './experiments.js';

const ROW_HEIGHT = 26;
const CHECK_WIDTH = 32;
const COLUMN_WIDTH = 112;

interface Props {
  readonly table: ExperimentTable;
  /** Row indices into the table, in display order. */
  readonly order: Uint32Array;
  readonly columns: readonly ExperimentColumn[];
  readonly sort: SortSpec | null;
  readonly selected: ReadonlySet<string>;
  onSort(key: string): void;
  onToggle(runId: string): void;
}

function cell(col: ExperimentColumn, i: number): string {
  if (col.type === 'number') {
    const v = (col.values as Float64Array)[i];
    if (Number.isNaN(v)) return '';
    if (col.key === 'started') return new Date(v).toLocaleString();
    return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  }
  const s = (col.values as readonly string[])[i];
  return col.key === 'run' ? runLabel(s) : cellText(s);
}

/**
 * The runs, virtualized: only the rows in view (plus a few) are in the DOM, so 10,000 runs cost
 * what 30 do. Rows are keyed by run id, so a new sort moves rows rather than rebuilding them.
 */
export const ExperimentsTable = memo(function ExperimentsTable({ table, order, columns, sort, selected, onSort, onToggle }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (k) => table.runIds[order[k]],
    initialRect: { width: 440, height: 320 },
  });
  const width = CHECK_WIDTH + columns.length * COLUMN_WIDTH;
  return (
    <div className="exp-table" ref={scrollRef} data-testid="experiments-table" role="grid" aria-rowcount={order.length + 1} aria-colcount={columns.length + 1}>
      <div className="exp-header" role="row" style={{ width }}>
        <div className="exp-cell exp-check" role="columnheader" style={{ width: CHECK_WIDTH }} />
        {columns.map((c) => (
          <button
            key={c.key}
            type="button"
            role="columnheader"
            className={`exp-cell exp-head ${c.group}`}
            style={{ width: COLUMN_WIDTH }}
            title={`${c.key} (${c.group}): click to sort`}
            aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
            data-testid={`exp-head-${c.key}`}
            onClick={() => onSort(c.key)}
          >
            {c.key}
            {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
          </button>
        ))}
      </div>
      <div className="exp-body" style={{ height: rows.getTotalSize(), width }}>
        {rows.getVirtualItems().map((v) => {
          const i = order[v.index];
          const runId = table.runIds[i];
          const isSelected = selected.has(runId);
          return (
            <div
              key={v.key}
              role="row"
              aria-rowindex={v.index + 2}
              aria-selected={isSelected}
              className={isSelected ? 'exp-row selected' : 'exp-row'}
              data-testid="experiment-row"
              data-run={runId}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
            >
              <label className="exp-cell exp-check" style={{ width: CHECK_WIDTH }}>
                <input type="checkbox" checked={isSelected} onChange={() => onToggle(runId)} aria-label={`Compare run ${runId}`} />
              </label>
              {columns.map((c) => (
                <div key={c.key} role="gridcell" className={c.type === 'number' ? 'exp-cell num' : 'exp-cell'} style={{ width: COLUMN_WIDTH }} title={c.key === 'run' ? runId : undefined}>
                  {cell(c, i)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
});
