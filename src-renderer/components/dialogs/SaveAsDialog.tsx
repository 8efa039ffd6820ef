import { useState, type FormEvent } from 'react';
import { useActions, useApp, useController } from '../../app/context.js';
import { suggestedSavePath } from '../../app/controller.js';
import { Modal } from './Modal.js';

const FORM_ID = 'save-dialog-form';

/** For hosts without native file dialogs: the path to save to, typed. */
export function SaveAsDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const initial = useApp((s) => suggestedSavePath(s.path, s.appInfo?.home ?? null, s.document.name));
  const [path, setPath] = useState(initial);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const target = path.trim();
    if (!target || busy) return;
    setBusy(true);
    const ok = await controller.saveTo(target);
    setBusy(false);
    if (ok) closeDialog();
  };

  return (
    <Modal
      title="Save pipeline as"
      testId="save-dialog"
      onClose={closeDialog}
      footer={
        <>
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" form={FORM_ID} className="button primary" disabled={busy || !path.trim()}>
            Save
          </button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={(e) => void onSubmit(e)} className="field">
        <label className="field-label" htmlFor="save-path">
          Path of the .plumb file to write (an existing file is replaced)
        </label>
        <input
          id="save-path"
          type="text"
          spellCheck={false}
          data-testid="save-path-input"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
      </form>
    </Modal>
  );
}
