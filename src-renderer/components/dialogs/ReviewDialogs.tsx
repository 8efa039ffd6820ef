import { useMemo, useState } from 'react';
import { catalogue } from '../../../nodes/index.js';
import type { PipelineDocument } from '../../../src-shared/pipeline/document.js';
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
  const document = useApp((s) => s.document);
  const tableNodes = useMemo(() => nodesWithTables(document), [document]);
  const [withModels, setWithModels] = useState(true);
  const [samples, setSamples] = useState(true);
  // Nodes whose rows stay out (personal data in one table, say) while the others' go in.
  const [noSamples, setNoSamples] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string, included: boolean): void => {
    const next = new Set(noSamples);
    if (included) next.delete(id);
    else next.add(id);
    setNoSamples(next);
  };
  return (
    <PathPromptDialog
      title="Export review bundle"
      testId="export-bundle-dialog"
      label="Path of the .plumbz file to write (you are asked before an existing file is replaced)"
      submitLabel="Export"
      inputTestId="export-bundle-path-input"
      initialPath={path ? defaultExportPath(path) : ''}
      onSubmit={(out) => controller.review.exportBundle({ out, withModels, samples, noSamples: [...noSamples] })}
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
      {samples && tableNodes.length > 0 && (
        <fieldset className="sample-nodes" data-testid="export-sample-nodes">
          <legend>Sample rows of</legend>
          {tableNodes.map((n) => (
            <label key={n.id} className="checkbox-field">
              <input type="checkbox" data-testid={`export-sample-${n.id}`} checked={!noSamples.has(n.id)} onChange={(e) => toggle(n.id, e.target.checked)} />
              {n.label}
            </label>
          ))}
        </fieldset>
      )}
      <p className="hint">The bundle carries the pipeline, its last run's statuses, metrics, reports and charts, and model cards; never the data files.</p>
    </PathPromptDialog>
  );
}

/** The nodes with a table output, in document order: those are the ones a bundle carries rows of. */
function nodesWithTables(document: PipelineDocument): { id: string; label: string }[] {
  return document.nodes
    .filter((n) => catalogue.get(n.type, n.typeVersion)?.outputs.some((o) => o.type === 'table'))
    .map((n) => ({ id: n.id, label: n.label ?? catalogue.get(n.type, n.typeVersion)?.title ?? n.id }));
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
