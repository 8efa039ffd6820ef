import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useReducer, useRef, useState } from 'react';
import type { ApiResponse, ColumnProfileSchema } from '../../../src-shared/api/contract.js';
import type { ColumnSchema } from '../../../src-shared/nodes/spec.js';
import { useController } from '../../app/context.js';
import { formatValue } from '../format.js';
import { columnFacts, miniBars } from './mini-histogram.js';
import { PAGE_ROWS, PageStore, pagesFor, rowAt } from './table-pages.js';

const ROW_HEIGHT = 24;
const COLUMN_WIDTH = 124;
const INDEX_WIDTH = 56;
const HEADER_HEIGHT = 74;
const CHART_WIDTH = COLUMN_WIDTH - 16;
const CHART_HEIGHT = 22;

/** Shared by every grid: pages are content-addressed, so reopening a node shows its rows at once. */
const pages = new PageStore();
type Profile = ApiResponse<'artifact.profile'>;
const profiles = new Map<string, Profile>();

interface Props {
  readonly hash: string;
  readonly totalRows: number;
  readonly columns: readonly ColumnSchema[];
}

/**
 * A table output: its schema with a mini histogram per column (profiled host side by DuckDB) over
 * a virtualized grid of its rows, paged from the artifact as they scroll into view.
 */
export function TableView({ hash, totalRows, columns }: Props) {
  const controller = useController();
  const [profile, setProfile] = useState<Profile | { error: string } | undefined>(() => profiles.get(hash));
  const [, pageArrived] = useReducer((n: number) => n + 1, 0);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (profiles.has(hash)) return setProfile(profiles.get(hash));
    let live = true;
    controller.inspect('artifact.profile', { hash, bins: 16, topK: 8 }).then(
      (p) => {
        profiles.set(hash, p);
        if (live) setProfile(p);
      },
      (e: unknown) => live && setProfile({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [controller, hash]);

  const rows = useVirtualizer({
    count: totalRows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    // Before layout (and in tests) the grid still renders a first screen of rows.
    initialRect: { width: 440, height: 320 },
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => COLUMN_WIDTH,
    overscan: 2,
    paddingStart: INDEX_WIDTH,
    initialRect: { width: 440, height: 320 },
  });
  const visibleRows = rows.getVirtualItems();
  const visibleCols = cols.getVirtualItems();
  const first = visibleRows[0]?.index ?? 0;
  const last = visibleRows[visibleRows.length - 1]?.index ?? -1;

  useEffect(() => {
    for (const page of pagesFor(first, last, totalRows)) {
      if (pages.get(hash, page)) continue;
      pages.set(hash, page, { state: 'loading' });
      controller.inspect('artifact.preview', { hash, offset: page * PAGE_ROWS, limit: PAGE_ROWS }).then(
        (res) => {
          pages.set(hash, page, { state: 'loaded', rows: res.rows });
          pageArrived();
        },
        (e: unknown) => {
          pages.set(hash, page, { state: 'error', message: e instanceof Error ? e.message : String(e) });
          pageArrived();
        },
      );
    }
  }, [controller, hash, first, last, totalRows]);

  const byName = new Map((profile && 'columns' in profile ? profile.columns : []).map((c) => [c.name, c]));
  const failed = pagesFor(first, last, totalRows)
    .map((p) => pages.get(hash, p))
    .find((s) => s?.state === 'error');
  const width = cols.getTotalSize();

  return (
    <div className="table-view" data-testid="table-preview">
      <p className="output-meta">
        {totalRows.toLocaleString('en-US')} rows × {columns.length} columns
        {profile && 'error' in profile && <span className="field-error"> · no histograms: {profile.error}</span>}
      </p>
      {failed?.state === 'error' && (
        <p className="field-error" role="alert">
          {failed.message}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              pages.clearErrors(hash);
              pageArrived();
            }}
          >
            Retry
          </button>
        </p>
      )}
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-rowcount={totalRows + 1}
        aria-colcount={columns.length}
        data-testid="table-grid"
      >
        <div className="grid-inner" style={{ height: rows.getTotalSize(), width }}>
          <div className="grid-header" role="row" style={{ width, height: HEADER_HEIGHT }}>
            <div className="grid-index" style={{ width: INDEX_WIDTH, height: HEADER_HEIGHT }} />
            {visibleCols.map((c) => (
              <ColumnHeader key={c.key} column={columns[c.index]} profile={byName.get(columns[c.index].name)} left={c.start} />
            ))}
          </div>
          {visibleRows.map((r) => {
            const row = rowAt(pages, hash, r.index);
            return (
              <div key={r.key} className="grid-row" role="row" aria-rowindex={r.index + 2} style={{ transform: `translateY(${r.start}px)`, width }}>
                <div className="grid-index" style={{ width: INDEX_WIDTH }}>
                  {r.index + 1}
                </div>
                {visibleCols.map((c) => (
                  <Cell key={c.key} value={row ? row[c.index] : undefined} loading={!row} left={c.start} />
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

const ColumnHeader = memo(function ColumnHeader({ column, profile, left }: { column: ColumnSchema; profile: ColumnProfileSchema | undefined; left: number }) {
  const bars = profile ? miniBars(profile, CHART_WIDTH, CHART_HEIGHT) : null;
  return (
    <div className="grid-head-cell" role="columnheader" style={{ left, width: COLUMN_WIDTH, height: HEADER_HEIGHT }} data-testid={`grid-column-${column.name}`}>
      <span className="grid-col-name" title={column.name}>
        {column.name}
      </span>
      <span className="grid-col-type">{column.type}</span>
      {bars ? (
        <svg className="mini-hist" width={CHART_WIDTH} height={CHART_HEIGHT} role="img" aria-label={`distribution of ${column.name}`} data-testid={`histogram-${column.name}`}>
          {bars.map((b, i) => (
            <rect key={i} x={b.x} y={CHART_HEIGHT - b.height} width={b.width} height={b.height}>
              <title>{b.label}</title>
            </rect>
          ))}
        </svg>
      ) : (
        <span className="mini-hist-empty" style={{ height: CHART_HEIGHT }} />
      )}
      {profile && (
        <span className="grid-col-facts" title={columnFacts(profile)}>
          {columnFacts(profile)}
        </span>
      )}
    </div>
  );
});

function Cell({ value, loading, left }: { value: unknown; loading: boolean; left: number }) {
  const kind = loading ? 'loading' : typeof value === 'number' ? 'num' : value === null ? 'null' : '';
  const text = loading ? '' : formatValue(value);
  return (
    <div className={`grid-cell ${kind}`} role="gridcell" style={{ left, width: COLUMN_WIDTH }} title={loading ? undefined : String(value ?? 'missing')}>
      {text}
    </div>
  );
}
