import { useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useActions, useApp } from '../../app/context.js';
import { isOwnComment } from '../../state/review-slice.js';

function when(createdAt: string): string {
  const t = Date.parse(createdAt);
  return Number.isNaN(t) ? createdAt : new Date(t).toLocaleString();
}

/**
 * "Review comments" of one node (or of the whole pipeline: nodeId null): the list, a box to add
 * one (Ctrl/Cmd+Enter), and for comments written in this session and not yet saved, delete.
 */
export function ReviewComments({ nodeId }: { nodeId: string | null }) {
  const comments = useApp(useShallow((s) => (s.review ? s.review.comments.filter((c) => c.nodeId === nodeId) : [])));
  const own = useApp(useShallow((s) => (s.review ? s.review.comments.filter((c) => isOwnComment(s.review!, c.id)).map((c) => c.id) : [])));
  const canUndo = useApp((s) => (s.review?.past.length ?? 0) > 0);
  const reviewer = useApp((s) => s.review?.reviewer ?? '');
  const inReview = useApp((s) => s.review !== null);
  const { addComment, deleteComment, undoComment, setReviewer } = useActions();
  const [text, setText] = useState('');
  if (!inReview) return null;

  const add = (): void => {
    if (addComment(nodeId, text)) setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      // Handled here: the window's Ctrl+Enter would try to run the pipeline.
      e.preventDefault();
      add();
    }
  };

  return (
    <section className="inspector-section review-comments" data-testid="review-comments">
      <h3>Review comments{nodeId === null ? ' on the pipeline' : ''}</h3>
      {comments.length === 0 ? (
        <p className="hint">No comments yet.</p>
      ) : (
        <ul className="comment-list">
          {comments.map((c) => (
            <li key={c.id} className="comment" data-testid="review-comment">
              <div className="comment-head">
                <span className="comment-author">{c.author}</span>
                <span className="comment-time">{when(c.createdAt)}</span>
                {own.includes(c.id) && (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="review-comment-delete"
                    title="Delete this comment (it is not saved yet)"
                    onClick={() => deleteComment(c.id)}
                  >
                    Delete
                  </button>
                )}
              </div>
              <p className="comment-text" data-testid="review-comment-text">
                {c.text}
              </p>
            </li>
          ))}
        </ul>
      )}
      <textarea
        className="comment-input"
        data-testid="review-comment-input"
        aria-label={nodeId === null ? 'Comment on the pipeline' : `Comment on node ${nodeId}`}
        placeholder={nodeId === null ? 'A comment on the whole pipeline…' : 'A comment on this node…'}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="comment-actions">
        <label className="comment-author-field">
          as{' '}
          <input
            type="text"
            data-testid="review-reviewer"
            aria-label="Your name on comments"
            value={reviewer}
            onChange={(e) => setReviewer(e.target.value)}
          />
        </label>
        {canUndo && (
          <button type="button" className="button" data-testid="review-comment-undo" onClick={undoComment}>
            Undo
          </button>
        )}
        <button type="button" className="button primary" data-testid="review-comment-add" disabled={!text.trim()} onClick={add} title="Add comment (Ctrl+Enter)">
          Add comment
        </button>
      </div>
    </section>
  );
}

/** The small count on a node of the canvas; nothing when it has no comments. */
export function CommentBadge({ nodeId, count }: { nodeId: string; count: number }) {
  if (count === 0) return null;
  return (
    <span className="pnode-comments" data-testid={`node-comments-${nodeId}`} title={`${count} review comment${count === 1 ? '' : 's'}`}>
      💬 {count}
    </span>
  );
}
