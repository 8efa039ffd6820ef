import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/context.js';

const EMPTY: Readonly<Record<string, number>> = {};

/** A node's metrics as the bundle's run summary has them (evaluation scores, row counts...). */
export function ReviewMetrics({ nodeId }: { nodeId: string }) {
  const metrics = useApp(useShallow((s) => s.review?.bundle.summary?.nodes.find((n) => n.id === nodeId)?.metrics ?? EMPTY));
  const entries = Object.entries(metrics);
  if (entries.length === 0) return null;
  return (
    <section className="inspector-section">
      <h3>Metrics (exported run)</h3>
      <table className="review-metrics" data-testid="review-metrics">
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name} data-testid={`review-metric-${name}`}>
              <th scope="row">{name}</th>
              <td title={String(value)}>{Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
