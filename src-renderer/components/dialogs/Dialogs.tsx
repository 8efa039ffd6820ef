import { useApp } from '../../app/context.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { OpenDialog } from './OpenDialog.js';
import { SaveAsDialog } from './SaveAsDialog.js';

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open':
      return <OpenDialog />;
    case 'saveAs':
      return <SaveAsDialog />;
    case 'confirm':
      return <ConfirmDialog request={dialog} />;
  }
}
