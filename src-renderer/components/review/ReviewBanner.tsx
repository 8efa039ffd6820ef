import './review.css';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/context.js';
import { selectCommentsDirty } from '../../state/review-slice.js';
import { CommandButton } from '../CommandButton.js';

/** `/a/b/churn.plumbz` -> `churn.plumbz` */
const fileName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

function exportedAt(createdAt: string): string {
  const t = Date.parse(createdAt);
  return Number.isNaN(t) ? createdAt : new Date(t).toLocaleString();
}

/**
 * The review mode's banner: which bundle, that it is read-only, when it was exported and how its
 * run ended; its actions; and what the reviewer should know (warnings, local files the pipeline
 * reads that the bundle does not carry).
 */
export function ReviewBanner() {
  const review = useApp(
    useShallow((s) =>
      s.review
        ? {
            path: s.review.bundle.path,
            manifest: s.review.bundle.manifest,
            warnings: s.review.bundle.warnings,
            files: s.review.bundle.fileReferences,
            models: s.review.bundle.models.length,
            savedTo: s.review.savedTo,
          }
        : null,
    ),
  );
  const dirty = useApp(selectCommentsDirty);
  const count = useApp((s) => s.review?.comments.length ?? 0);
  if (!review) return null;
  const { manifest } = review;
  const runText = manifest.run ? `run ${manifest.run.status}` : 'never run';
  const notes = review.warnings.length + review.files.length;
  return (
    <div className="review-banner" role="status" data-testid="review-banner">
      <div className="review-banner-main">
        <span className="review-banner-title" data-testid="review-banner-title" title={review.path}>
          Reviewing {fileName(review.path)} — read-only · exported {exportedAt(manifest.createdAt)} · {runText}
        </span>
        <span className="review-banner-sub">
          {count} comment{count === 1 ? '' : 's'}
          {dirty ? ' (unsaved)' : review.savedTo ? ` · saved to ${fileName(review.savedTo)}` : ''}
          {review.models > 0 ? ` · ${review.models} model${review.models === 1 ? '' : 's'}` : ''}
          {review.models > 0 && manifest.withModels ? ' (ONNX included)' : ''}
        </span>
        <span className="review-banner-actions">
          <CommandButton command="review.import" text="Import as editable" testId="review-import" />
          <CommandButton command="review.saveComments" text="Save with comments…" testId="review-save-comments" primary={dirty} />
          <CommandButton command="review.close" text="Close review" testId="review-close" />
        </span>
      </div>
      {notes > 0 && (
        <details className="review-notes" data-testid="review-notes">
          <summary>
            {notes} thing{notes === 1 ? '' : 's'} to know about this bundle
          </summary>
          <ul>
            {review.warnings.map((w, i) => (
              <li key={`w${i}`} data-testid="review-warning">
                {w}
              </li>
            ))}
            {review.files.map((f) => (
              <li key={`${f.nodeId}/${f.param}`} data-testid="review-file-reference">
                Node <code>{f.nodeId}</code> reads <code>{f.path}</code> ({f.param}){f.outside ? ', outside the pipeline’s folder' : ''}: not in the
                bundle, and never read in review.
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
