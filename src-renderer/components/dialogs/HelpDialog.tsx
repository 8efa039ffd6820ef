import { useActions, useCommands } from '../../app/context.js';
import { commandGroups } from '../../commands/help.js';
import { Modal } from './Modal.js';

/** Every command with its shortcuts, grouped as the menus are (the ? key opens it). */
export function HelpDialog() {
  const commands = useCommands();
  const { closeDialog } = useActions();
  const groups = commandGroups(commands);
  return (
    <Modal
      title="Keyboard shortcuts"
      testId="help-dialog"
      onClose={closeDialog}
      footer={
        <button type="button" className="button primary" onClick={closeDialog}>
          Close
        </button>
      }
    >
      <p className="hint">Shortcuts work while the focus is not in a text field or a dialog.</p>
      <div className="help-groups">
        {groups.map((group) => (
          <section key={group.title} className="help-group">
            <h3 className="modal-subtitle">{group.title}</h3>
            <table className="help-table">
              <tbody>
                {group.entries.map((entry) => (
                  <tr key={entry.id} data-testid={`help-${entry.id}`}>
                    <td>{entry.label}</td>
                    <td className="help-keys">
                      {entry.shortcuts.length === 0 ? (
                        <span className="hint">no shortcut</span>
                      ) : (
                        entry.shortcuts.map((k) => <kbd key={k}>{k}</kbd>)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Modal>
  );
}
