import { useState } from 'react';
import { useActions, useApp, useController } from '../../app/context.js';
import { defaultExportPath, defaultReviewedPath } from '../../app/review-controller.js';
import { PathPromptDialog } from './PathPromptDialog.js';

/** "Open review bundle…" where the host has no native dialog: a typed path. */
export function OpenBundleDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  return (
    <PathPromptDialog
      title="Open review bundle"
      testId="open-bundle-dialog"
      label="Path of a .plumbz file on this computer (or drop the file on the window)"
      submitLabel="Open for review"
      inputTestId="open-bundle-path-input"
      placeholder="/home/me/reviews/churn.plumbz"
      // The user already agreed to leave what was on show before this dialog opened.
      onSubmit={(path) => controller.review.openPath(path, { confirmed: true })}
      onClose={closeDialog}
    />
  );
}

/** "Export review bundle…": where to write it, and what goes in besides the pipeline and its run. */
export function ExportBundleDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const path = useApp((s) => s.path);
  const [withModels, setWithModels] = useState(true);
  const [samples, setSamples] = useState(true);
  return (
    <PathPromptDialog
      title="Export review bundle"
      testId="export-bundle-dialog"
      label="Path of the .plumbz file to write (you are asked before an existing file is replaced)"
      submitLabel="Export"
      inputTestId="export-bundle-path-input"
      initialPath={path ? defaultExportPath(path) : ''}
      onSubmit={(out) => controller.review.exportBundle({ out, withModels, samples })}
      onClose={closeDialog}
    >
      <label className="checkbox-field">
        <input type="checkbox" data-testid="export-with-models" checked={withModels} onChange={(e) => setWithModels(e.target.checked)} />
        Include ONNX models (the reviewer's playground can predict with them)
      </label>
      <label className="checkbox-field">
        <input type="checkbox" data-testid="export-samples" checked={samples} onChange={(e) => setSamples(e.target.checked)} />
        Include sample rows (the first 100 rows of each table)
      </label>
      <p className="hint">The bundle carries the pipeline, its last run's statuses, metrics, reports and charts, and model cards; never the data files.</p>
    </PathPromptDialog>
  );
}

/** "Save with comments…": a new bundle file; the one under review is never overwritten. */
export function SaveCommentsDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const initial = useApp((s) => (s.review ? defaultReviewedPath(s.review.bundle.path, s.appInfo?.home ?? null) : ''));
  return (
    <PathPromptDialog
      title="Save the bundle with your comments"
      testId="save-comments-dialog"
      label="Path of the new .plumbz file (the bundle under review stays as it is)"
      submitLabel="Save"
      inputTestId="save-comments-path-input"
      initialPath={initial}
      onSubmit={(out) => controller.review.saveComments(out)}
      onClose={closeDialog}
    />
  );
}
