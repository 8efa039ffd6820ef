import { useEffect, useState } from 'react';
import { useActions, useController } from '../../app/context.js';
import { PathPromptDialog } from './PathPromptDialog.js';

/** For hosts without native file dialogs (the browser): recent files, or a typed path. */
export function OpenDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const [recent, setRecent] = useState<string[] | null>(null);

  useEffect(() => {
    let live = true;
    void controller.recentFiles().then((paths) => live && setRecent(paths));
    return () => {
      live = false;
    };
  }, [controller]);

  // The user already agreed to discard changes before this dialog opened.
  const open = (target: string): Promise<boolean> => controller.openPath(target, { confirmed: true });

  return (
    <PathPromptDialog
      title="Open pipeline"
      testId="open-dialog"
      label="Path of a .plumb file on this computer"
      submitLabel="Open"
      inputTestId="open-path-input"
      placeholder="/home/me/pipelines/churn.plumb"
      onSubmit={open}
      onClose={closeDialog}
    >
      <h3 className="modal-subtitle">Recent files</h3>
      {recent === null ? (
        <p className="hint">Loading…</p>
      ) : recent.length === 0 ? (
        <p className="hint">No recent files yet.</p>
      ) : (
        <ul className="recent-list">
          {recent.map((p) => (
            <li key={p}>
              <button
                type="button"
                className="recent-item"
                data-testid="recent-file"
                title={p}
                onClick={() => void open(p).then((ok) => ok && closeDialog())}
              >
                <span className="recent-name">{p.split(/[\\/]/).pop()}</span>
                <span className="recent-path">{p}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </PathPromptDialog>
  );
}
