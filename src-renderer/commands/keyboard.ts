import type { CommandRegistry } from './registry.js';

/** Typing "s" in a param field or Backspace in a path box must edit text, not the pipeline. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return el.isContentEditable;
}

/** Routes key presses to commands; returns the function that removes the listener. */
export function installKeyboardShortcuts<C>(registry: CommandRegistry<C>, target: Window): () => void {
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing || isTypingTarget(event.target)) return;
    // Keys pressed inside a dialog belong to the dialog, not to the pipeline behind it.
    if (event.target instanceof Element && event.target.closest('[role="dialog"]')) return;
    const command = registry.commandForKey(event);
    if (!command || command.nativeKey) return;
    event.preventDefault();
    void registry.dispatch(command.id);
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}
