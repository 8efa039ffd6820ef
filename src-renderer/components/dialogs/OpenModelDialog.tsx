import { useActions, useApp, usePlayground } from '../../app/context.js';
import type { SlotId } from '../../state/playground-slice.js';
import { PathPromptDialog } from './PathPromptDialog.js';

/** "Open .onnx file…" for hosts without native file dialogs: a typed path. */
export function OpenModelDialog({ slot }: { slot: SlotId }) {
  const playground = usePlayground();
  const { closeDialog } = useActions();
  const current = useApp((s) => s.playground.slots[slot]?.source);
  // The model is opened in the playground, where an error shows beside the slot: the dialog closes either way.
  const open = async (path: string): Promise<boolean> => {
    closeDialog();
    await playground.chooseModel(slot, { path });
    return false;
  };
  return (
    <PathPromptDialog
      title="Open an ONNX model"
      testId="open-model-dialog"
      label="Path of a .onnx file on this computer"
      submitLabel="Open"
      inputTestId="open-model-path-input"
      placeholder="/home/me/models/churn.onnx"
      initialPath={current && 'path' in current ? current.path : ''}
      onSubmit={open}
      onClose={closeDialog}
    />
  );
}
