import { useActions, useApp, useCommands } from '../../app/context.js';
import { PathPromptDialog } from './PathPromptDialog.js';

/**
 * "Compare with…": the other version of the pipeline, typed as a path (a .plumb file or a .plumbz
 * bundle), picked with the host's file dialog, or the file's own last commit. Each choice
 * dispatches diff.compare, which closes this dialog once the diff is shown; a refusal leaves it
 * open with the reason in a toast.
 */
export function CompareDialog() {
  const commands = useCommands();
  const { closeDialog } = useActions();
  const path = useApp((s) => s.path);
  const nativeDialogs = useApp((s) => s.appInfo?.nativeDialogs === true);
  const name = path?.split(/[\\/]/).pop();
  const compare = async (target: object): Promise<boolean> => {
    await commands.dispatch('diff.compare', target);
    return false;
  };

  return (
    <PathPromptDialog
      title="Compare with…"
      testId="compare-dialog"
      label="Path of the other version: a .plumb file or a .plumbz review bundle"
      submitLabel="Compare"
      inputTestId="compare-path-input"
      placeholder="/home/me/pipelines/churn-v1.plumb"
      onSubmit={(p) => compare({ path: p })}
      onClose={closeDialog}
    >
      <div className="compare-choices">
        {nativeDialogs && (
          <button type="button" className="button" data-testid="compare-browse" onClick={() => void compare({ browse: true })}>
            Choose a file…
          </button>
        )}
        {name ? (
          <button
            type="button"
            className="button"
            data-testid="compare-git-head"
            title={`What changed in ${name} since its last git commit (HEAD)`}
            onClick={() => void compare({ git: 'HEAD' })}
          >
            Git HEAD of {name}
          </button>
        ) : (
          <p className="hint">Save the pipeline in a git repository to compare it with its last commit.</p>
        )}
      </div>
      <p className="hint">The diff reads from that version to the canvas, unsaved edits included; positions are ignored.</p>
    </PathPromptDialog>
  );
}
