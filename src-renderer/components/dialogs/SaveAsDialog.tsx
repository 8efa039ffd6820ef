import { useActions, useApp, useController } from '../../app/context.js';
import { suggestedSavePath } from '../../app/controller.js';
import { PathPromptDialog } from './PathPromptDialog.js';

/** For hosts without native file dialogs: the path to save to, typed. */
export function SaveAsDialog() {
  const controller = useController();
  const { closeDialog } = useActions();
  const initial = useApp((s) => suggestedSavePath(s.path, s.appInfo?.home ?? null, s.document.name));
  return (
    <PathPromptDialog
      title="Save pipeline as"
      testId="save-dialog"
      label="Path of the .plumb file to write (you are asked before an existing file is replaced)"
      submitLabel="Save"
      inputTestId="save-path-input"
      initialPath={initial}
      onSubmit={(path) => controller.saveTo(path)}
      onClose={closeDialog}
    />
  );
}
