import { useShallow } from 'zustand/react/shallow';
import { useActions, useApp } from '../../app/context.js';

/**
 * Where the palette is while a bundle is under review: nothing can be added, so it says so, and
 * lists the exported run's nodes with their status and timing for a quick read.
 */
export function ReviewSidebar() {
  const nodes = useApp(useShallow((s) => s.review?.bundle.summary?.nodes ?? []));
  const { select } = useActions();
  return (
    <aside className="palette review-sidebar" aria-label="Review" data-testid="review-sidebar">
      <h2 className="panel-title">Review</h2>
      <p className="hint">Read-only: nodes cannot be added, moved or changed. “Import as editable” makes an editable copy.</p>
      {nodes.length === 0 ? (
        <p className="hint">The pipeline had not run when it was exported.</p>
      ) : (
        <ul className="review-node-list">
          {nodes.map((n) => (
            <li key={n.id}>
              <button type="button" className="link-button" onClick={() => select({ node: n.id })} title={n.error ?? undefined}>
                {n.label ?? n.id}
              </button>{' '}
              <span className={`status-badge status-${n.status}`}>{n.status}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
