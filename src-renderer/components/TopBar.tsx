import { useActions, useApp, useHistory } from '../app/context.js';
import { isRunActive, type RunPhase } from '../state/run-slice.js';
import { selectDirty } from '../state/selectors.js';
import { CommandButton } from './CommandButton.js';
import { DraftInput } from './DraftInput.js';
import { BundleMenu } from './review/BundleMenu.js';
import { formatMs } from './format.js';

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">Plumb</div>
      <DocumentTitle />
      <div className="toolbar">
        <CommandButton command="file.new" text="New" />
        <CommandButton command="file.open" text="Open" />
        <CommandButton command="file.save" text="Save" />
        <CommandButton command="file.saveAs" text="Save As" />
        <BundleMenu />
        <span className="toolbar-gap" />
        <HistoryButtons />
        <span className="toolbar-gap" />
        <RunButtons />
      </div>
      <RunStatusView />
      <CommandButton command="help.shortcuts" text="?" />
    </header>
  );
}

function DocumentTitle() {
  const name = useApp((s) => s.document.name);
  const path = useApp((s) => s.path);
  const dirty = useApp(selectDirty);
  const autosavedAt = useApp((s) => s.autosave.savedAt);
  // Under review the pipeline lives in the bundle: its name is not editable and the bundle is where it is.
  const bundlePath = useApp((s) => s.review?.bundle.path ?? null);
  const { renameDocument } = useActions();
  return (
    <div className="doc-title">
      <div className="doc-name-row">
        <DraftInput
          className="doc-name"
          aria-label="Pipeline name"
          data-testid="document-name"
          value={name}
          disabled={bundlePath !== null}
          onCommit={(v) => renameDocument(v)}
        />
        {dirty && (
          // Where the work is kept goes in the marker's tooltip: the top bar has no room to spare at 1280 px.
          <span
            className="dirty-marker"
            data-testid="dirty-marker"
            data-autosaved={autosavedAt !== null ? 'true' : undefined}
            title={
              autosavedAt !== null
                ? `Unsaved changes, kept at ${new Date(autosavedAt).toLocaleTimeString()} in Plumb's state folder (offered back if Plumb closes before you save)`
                : 'Unsaved changes'
            }
            aria-label="Unsaved changes"
          >
            ●
          </span>
        )}
      </div>
      <div className="doc-path" data-testid="document-path" title={path ?? undefined}>
        {/* The marks keep the path's slashes in place while the box clips it from the left. */}
        {bundlePath ? `\u200E${bundlePath}\u200E` : path ? `\u200E${path}\u200E` : 'Not saved yet'}
      </div>
    </div>
  );
}

function HistoryButtons() {
  const { canUndo, canRedo } = useHistory();
  return (
    <>
      <CommandButton command="edit.undo" text="Undo" disabled={!canUndo} />
      <CommandButton command="edit.redo" text="Redo" disabled={!canRedo} />
    </>
  );
}

function RunButtons() {
  const status = useApp((s) => s.run.status);
  const active = isRunActive(status);
  return (
    <>
      <CommandButton command="run.all" text="Run" primary disabled={active} />
      <CommandButton command="run.force" text="Run all, no cache" disabled={active} />
      <CommandButton command="run.cancel" text="Cancel" disabled={!active} />
    </>
  );
}

const STATUS_TEXT: Record<RunPhase, string> = {
  idle: 'Not run yet',
  starting: 'Starting…',
  running: 'Running…',
  succeeded: 'Run succeeded',
  failed: 'Run failed',
  cancelled: 'Run cancelled',
  interrupted: 'Run interrupted',
};

function RunStatusView() {
  const status = useApp((s) => s.run.status);
  const ms = useApp((s) => s.run.ms);
  const error = useApp((s) => s.run.error);
  const done = !isRunActive(status) && status !== 'idle';
  return (
    <div className={`run-status run-${status}`} title={error ?? undefined}>
      <span data-testid="run-status">{STATUS_TEXT[status]}</span>
      {done && ms !== null && <span className="run-ms">{formatMs(ms)}</span>}
      {error && <span className="run-error">{error}</span>}
    </div>
  );
}
