import { useState, type FormEvent, type ReactNode } from 'react';
import { Modal } from './Modal.js';

interface PathPromptProps {
  readonly title: string;
  readonly testId: string;
  /** The label above the path field. */
  readonly label: string;
  readonly submitLabel: string;
  readonly inputTestId: string;
  readonly initialPath?: string;
  readonly placeholder?: string;
  /** Resolves true when the dialog may close. */
  readonly onSubmit: (path: string) => Promise<boolean>;
  readonly onClose: () => void;
  /** Anything below the field (the Open dialog's recent files). */
  readonly children?: ReactNode;
}

/** For hosts without native file dialogs: a typed path, submitted with Enter or the button. */
export function PathPromptDialog(props: PathPromptProps) {
  const [path, setPath] = useState(props.initialPath ?? '');
  const [busy, setBusy] = useState(false);
  const formId = `${props.testId}-form`;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const target = path.trim();
    if (!target || busy) return;
    setBusy(true);
    const done = await props.onSubmit(target);
    setBusy(false);
    if (done) props.onClose();
  };

  return (
    <Modal
      title={props.title}
      testId={props.testId}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={busy || !path.trim()}>
            {props.submitLabel}
          </button>
        </>
      }
    >
      <form id={formId} onSubmit={(e) => void submit(e)} className="field">
        <label className="field-label" htmlFor={`${formId}-path`}>
          {props.label}
        </label>
        <input
          id={`${formId}-path`}
          type="text"
          spellCheck={false}
          data-testid={props.inputTestId}
          placeholder={props.placeholder}
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
      </form>
      {props.children}
    </Modal>
  );
}
