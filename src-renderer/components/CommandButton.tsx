import { useCommands } from '../app/context.js';

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
  return (
    <button
      type="button"
      className={primary ? 'button primary' : 'button'}
      data-testid={testId ?? `command-${command}`}
      title={shortcut ? `${label} (${shortcut})` : label}
      disabled={disabled}
      onClick={() => void commands.dispatch(command)}
    >
      {text}
    </button>
  );
}
