import { formatValue } from '../format.js';

const SHOWN_ROWS = 20;

interface Props {
  readonly preview: { columns: readonly { name: string; type: string }[]; rows: readonly (readonly unknown[])[] };
  readonly totalRows: number | undefined;
}

export function TablePreview({ preview, totalRows }: Props) {
  const rows = preview.rows.slice(0, SHOWN_ROWS);
  const total = totalRows ?? preview.rows.length;
  if (total === 0) return <p className="hint">No rows.</p>;
  return (
    <div className="preview" data-testid="table-preview">
      <p className="output-meta">
        First {rows.length} of {total.toLocaleString('en-US')} rows
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c.name} title={c.type}>
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) => (
                  <td key={j} className={typeof v === 'number' ? 'num' : v === null ? 'null' : undefined}>
                    {formatValue(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
