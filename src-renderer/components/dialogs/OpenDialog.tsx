import { useEffect, useState, type FormEvent } from 'react';
import { useActions, useController } from '../../app/context.js';
import { Modal } from './Modal.js';

const FORM_ID = 'open-dialog-form';

/** For hosts without native file dialogs (the browser): recent files, or a typed path. */
export function OpenDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const [recent, setRecent] = useState<string[] | null>(null);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void controller.recentFiles().then((paths) => live && setRecent(paths));
    return () => {
      live = false;
    };
  }, [controller]);

  const open = async (target: string): Promise<void> => {
    if (!target.trim() || busy) return;
    setBusy(true);
    // The user already agreed to discard changes before this dialog opened.
    const ok = await controller.openPath(target.trim(), { confirmed: true });
    setBusy(false);
    if (ok) closeDialog();
  };

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void open(path);
  };

  return (
    <Modal
      title="Open pipeline"
      testId="open-dialog"
      onClose={closeDialog}
      footer={
        <>
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" form={FORM_ID} className="button primary" disabled={busy || !path.trim()}>
            Open
          </button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={onSubmit} className="field">
        <label className="field-label" htmlFor="open-path">
          Path of a .plumb file on this computer
        </label>
        <input
          id="open-path"
          type="text"
          spellCheck={false}
          data-testid="open-path-input"
          placeholder="/home/me/pipelines/churn.plumb"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
      </form>
      <h3 className="modal-subtitle">Recent files</h3>
      {recent === null ? (
        <p className="hint">Loading…</p>
      ) : recent.length === 0 ? (
        <p className="hint">No recent files yet.</p>
      ) : (
        <ul className="recent-list">
          {recent.map((p) => (
            <li key={p}>
              <button type="button" className="recent-item" data-testid="recent-file" title={p} onClick={() => void open(p)}>
                <span className="recent-name">{p.split(/[\\/]/).pop()}</span>
                <span className="recent-path">{p}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
