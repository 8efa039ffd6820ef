import { describe, expect, it } from 'vitest';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { CHURN_RUN, churnBundle, TELCO_TABLE } from '../review/fixtures.test-helpers.js';
import { sampledRows } from '../review/review-run.js';
import { twoNodeDocument } from './fixtures.test-helpers.js';
import { selectCommentCount, selectCommentsDirty } from './review-slice.js';
import { selectDirty, selectDisplayStatus } from './selectors.js';
import { createAppStore } from './store.js';

function reviewing() {
  const store = createAppStore();
  store.getState().loadDocument({ document: twoNodeDocument, path: '/p/test.plumb', hash: 'h' });
  store.getState().setParam('read', 'delimiter', ';');
  const bundle = churnBundle();
  store.getState().openReview(bundle);
  return { store, bundle, s: () => store.getState() };
}

describe('opening a bundle for review', () => {
  it("shows the bundle's pipeline and its run's statuses, with nothing to undo", () => {
    const { s, store, bundle } = reviewing();
    expect(s().document).toBe(bundle.document);
    expect(s().path).toBeNull();
    expect(selectDirty(s())).toBe(false);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    expect(s().run.runId).toBe(CHURN_RUN);
    expect(s().run.status).toBe('succeeded');
    for (const id of ['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate']) {
      expect(selectDisplayStatus(id)(s()).status, id).toBe('succeeded');
    }
    expect(s().run.nodes.evaluate?.ms).toBe(382);
    // The run log reads as it did at the end of the run: each node's status, then the run's.
    const events = s().run.log.map((e) => e.event);
    expect(events.filter((e) => e.event === 'node').map((e) => e.event === 'node' && `${e.node} ${e.status}`)).toEqual(
      ['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate'].map((id) => `${id} succeeded`),
    );
    expect(events.at(-1)).toMatchObject({ event: 'run', run: CHURN_RUN, status: 'succeeded' });
  });

  it("gives the inspector each output as the analyst saw it: size and columns from the recorded answer, the sample's length", () => {
    const { s, bundle } = reviewing();
    const telco = s().run.nodes.telco?.outputs?.[0];
    expect(telco).toMatchObject({ port: 'out', kind: 'table', hash: TELCO_TABLE, rows: 7043 });
    expect(telco?.bytes).toBeGreaterThan(0);
    expect(telco?.columns?.length).toBeGreaterThan(10);
    // Outputs whose run.output was not kept still show, from the summary's facts.
    expect(s().run.nodes.evaluate?.outputs?.map((o) => o.port)).toEqual(['predictions', 'report']);
    expect(sampledRows(bundle, TELCO_TABLE)).toBe(100);
    expect(sampledRows(bundle, 'f'.repeat(64))).toBeNull();
  });

  it('refuses every edit of the pipeline while reviewing', () => {
    const { s, bundle } = reviewing();
    s().setParam('split', 'testSize', 0.5);
    s().moveNodes({ telco: { x: 999, y: 999 } });
    s().setSelection({ nodes: ['model'], edges: [], notes: [] });
    s().deleteSelection();
    s().addNode('ingest.csv', { x: 0, y: 0 });
    s().addNote({ x: 0, y: 0 });
    s().renameDocument('changed');
    expect(toCanonicalJson(s().document)).toBe(toCanonicalJson(bundle.document));
  });
});

describe('review comments', () => {
  it('adds, edits, deletes and undoes, and knows what is unsaved', () => {
    const { s, bundle } = reviewing();
    expect(selectCommentsDirty(s())).toBe(false);
    const id = s().addComment('split', '  Why 25 % for the test set?  ');
    expect(id).not.toBeNull();
    expect(s().review?.comments).toEqual([
      expect.objectContaining({ id, nodeId: 'split', author: 'Reviewer', text: 'Why 25 % for the test set?' }),
    ]);
    expect(Date.parse(s().review!.comments[0]!.createdAt)).not.toBeNaN();
    expect(selectCommentCount('split')(s())).toBe(1);
    expect(selectCommentsDirty(s())).toBe(true);

    expect(s().addComment(null, '   ')).toBeNull();
    s().setReviewer('Ada');
    s().addComment(null, 'Looks sound overall.');
    expect(s().review?.comments.map((c) => [c.nodeId, c.author])).toEqual([
      ['split', 'Reviewer'],
      [null, 'Ada'],
    ]);

    s().editComment(id!, 'Why 25 %?');
    expect(s().review?.comments[0]?.text).toBe('Why 25 %?');
    s().deleteComment(id!);
    expect(selectCommentCount('split')(s())).toBe(0);
    s().undoComment();
    expect(s().review?.comments[0]?.text).toBe('Why 25 %?');
    s().undoComment();
    s().undoComment();
    s().undoComment();
    expect(s().review?.comments).toEqual(bundle.comments);
    expect(selectCommentsDirty(s())).toBe(false);
  });

  it('keeps saved comments: only those written since the last save can be deleted', () => {
    const { s } = reviewing();
    const id = s().addComment('model', 'C=1.0 is the default; was it tuned?')!;
    s().markCommentsSaved('/r/churn-reviewed.plumbz');
    expect(selectCommentsDirty(s())).toBe(false);
    expect(s().review?.savedTo).toBe('/r/churn-reviewed.plumbz');
    s().deleteComment(id);
    s().editComment(id, 'changed');
    expect(s().review?.comments.map((c) => c.text)).toEqual(['C=1.0 is the default; was it tuned?']);
  });
});

describe('leaving the review', () => {
  it('imports the pipeline as an untitled, unsaved document to edit, with nothing run', () => {
    const { s, bundle } = reviewing();
    s().importReviewAsEditable();
    expect(s().review).toBeNull();
    expect(toCanonicalJson(s().document)).toBe(toCanonicalJson(bundle.document));
    expect(s().path).toBeNull();
    expect(selectDirty(s())).toBe(true);
    expect(s().run.status).toBe('idle');
    expect(s().run.nodes).toEqual({});
    s().setParam('split', 'testSize', 0.3);
    expect(s().document.nodes.find((n) => n.id === 'split')?.params.testSize).toBe(0.3);
  });

  it('closes to an empty pipeline', () => {
    const { s } = reviewing();
    s().closeReview();
    expect(s().review).toBeNull();
    expect(s().document.nodes).toEqual([]);
    expect(s().run.runId).toBeNull();
  });
});
