import { useApp, useCommands } from '../app/context.js';
import { EDITING_COMMANDS, REVIEW_READ_ONLY_HINT } from '../commands/app-commands.js';

interface Props {
  readonly command: string;
  /** The button's visible text; the command's label and shortcut go in the tooltip. */
  readonly text: string;
  readonly disabled?: boolean;
  readonly primary?: boolean;
  /** Defaults to `command-<id>`. */
  readonly testId?: string;
}

export function CommandButton({ command, text, disabled = false, primary = false, testId }: Props) {
  const commands = useCommands();
  const shortcut = commands.shortcutLabel(command);
  const label = commands.get(command)?.label ?? text;
  // While a bundle is under review, editing and running are off, and the tooltip says why.
  const readOnly = useApp((s) => s.review !== null) && EDITING_COMMANDS.has(command);
  return (
    <button
      type="button"
      className={primary ? 'button primary' : 'button'}
      data-testid={testId ?? `command-${command}`}
      title={readOnly ? `${label}: ${REVIEW_READ_ONLY_HINT}` : shortcut ? `${label} (${shortcut})` : label}
      disabled={disabled || readOnly}
      onClick={() => void commands.dispatch(command)}
    >
      {text}
    </button>
  );
}
