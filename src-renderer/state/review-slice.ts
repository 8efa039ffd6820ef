import type { BundleComment, OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import { reviewRunState } from '../review/review-run.js';
import type { AppState, GetState, SetState } from './types.js';

/**
 * The review mode: a bundle opened read-only and the reviewer's comments on it. The bundle's
 * pipeline is loaded as the document (so the canvas and the inspector show it unchanged) while
 * `review` is set; the document slice refuses every edit meanwhile, and the bridge answers from
 * the bundle (bridge/review-bridge.ts). Comments are the only thing a reviewer changes.
 */
export interface ReviewState {
  readonly bundle: OpenedBundle;
  readonly comments: readonly BundleComment[];
  /** The comments as in the last file that holds them (the bundle's own until saved to a new one). */
  readonly savedComments: readonly BundleComment[];
  /** Earlier comment lists, newest last: each add, edit or delete can be undone. */
  readonly past: readonly (readonly BundleComment[])[];
  /** The author written on new comments. */
  readonly reviewer: string;
  /** Where the comments were last saved, shown in the banner. */
  readonly savedTo: string | null;
}

export interface ReviewSlice {
  readonly review: ReviewState | null;

  /** Shows a bundle: its pipeline on the canvas, its run's statuses, its comments. */
  openReview(bundle: OpenedBundle): void;
  /** Leaves review mode for an empty, untitled pipeline. */
  closeReview(): void;
  /** The bundle's pipeline becomes an untitled, unsaved document to edit; nothing runs. */
  importReviewAsEditable(): void;
  /** Returns the new comment's id, or null for blank text (or outside review mode). */
  addComment(nodeId: string | null, text: string): string | null;
  editComment(id: string, text: string): void;
  deleteComment(id: string): void;
  undoComment(): void;
  setReviewer(name: string): void;
  markCommentsSaved(out: string): void;
}

const MAX_UNDO = 100;
export const DEFAULT_REVIEWER = 'Reviewer';

function commentId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `c-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function createReviewSlice(set: SetState, get: GetState): ReviewSlice {
  const changeComments = (next: (r: ReviewState) => readonly BundleComment[] | null): void => {
    const r = get().review;
    if (!r) return;
    const comments = next(r);
    if (!comments || comments === r.comments) return;
    set({ review: { ...r, comments, past: [...r.past, r.comments].slice(-MAX_UNDO) } });
  };

  return {
    review: null,

    openReview: (bundle) => {
      const reviewer = get().review?.reviewer ?? DEFAULT_REVIEWER;
      // Review first: whatever watches loads (autosave, "what would run") sees the review mode already.
      set({ review: { bundle, comments: bundle.comments, savedComments: bundle.comments, past: [], reviewer, savedTo: null } });
      get().loadDocument({ document: bundle.document, path: null, hash: null });
      set({ run: reviewRunState(bundle), sideTab: 'inspector' });
    },

    closeReview: () => {
      if (!get().review) return;
      set({ review: null });
      get().newDocument();
    },

    importReviewAsEditable: () => {
      const r = get().review;
      if (!r) return;
      set({ review: null });
      get().loadDocument({ document: r.bundle.document, path: null, hash: null });
      // Nothing on disk holds it yet: it is unsaved work, marked dirty and kept by autosave.
      set({ savedCanonical: '' });
    },

    addComment: (nodeId, text) => {
      const body = text.trim();
      const r = get().review;
      if (!r || !body) return null;
      const id = commentId();
      const comment: BundleComment = { id, nodeId, author: r.reviewer.trim() || DEFAULT_REVIEWER, text: body, createdAt: new Date().toISOString() };
      changeComments((cur) => [...cur.comments, comment]);
      return id;
    },
    editComment: (id, text) => {
      const body = text.trim();
      if (!body) return;
      changeComments((r) => {
        const i = r.comments.findIndex((c) => c.id === id);
        if (i < 0 || r.comments[i]!.text === body || !isOwnComment(r, id)) return null;
        return r.comments.map((c) => (c.id === id ? { ...c, text: body } : c));
      });
    },
    deleteComment: (id) =>
      changeComments((r) => (r.comments.some((c) => c.id === id) && isOwnComment(r, id) ? r.comments.filter((c) => c.id !== id) : null)),
    undoComment: () => {
      const r = get().review;
      const previous = r?.past[r.past.length - 1];
      if (!r || !previous) return;
      set({ review: { ...r, comments: previous, past: r.past.slice(0, -1) } });
    },
    setReviewer: (name) => {
      const r = get().review;
      if (r && r.reviewer !== name) set({ review: { ...r, reviewer: name } });
    },
    markCommentsSaved: (out) => {
      const r = get().review;
      if (r) set({ review: { ...r, savedComments: r.comments, savedTo: out } });
    },
  };
}

/** A comment written in this session and not yet saved to any file: its author may still take it back. */
export function isOwnComment(review: ReviewState, id: string): boolean {
  return !review.savedComments.some((c) => c.id === id);
}

export const selectInReview = (s: AppState): boolean => s.review !== null;

/** Comments not yet written to a file. */
export const selectCommentsDirty = (s: AppState): boolean => s.review !== null && !sameComments(s.review.comments, s.review.savedComments);

function sameComments(a: readonly BundleComment[], b: readonly BundleComment[]): boolean {
  return a === b || (a.length === b.length && a.every((c, i) => c.id === b[i]!.id && c.text === b[i]!.text));
}

export const selectCommentCount =
  (nodeId: string) =>
  (s: AppState): number =>
    s.review ? s.review.comments.reduce((n, c) => (c.nodeId === nodeId ? n + 1 : n), 0) : 0;
