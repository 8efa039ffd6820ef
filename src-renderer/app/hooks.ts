import { useEffect, useRef } from 'react';
import { installKeyboardShortcuts } from '../commands/keyboard.js';
import { selectCommentsDirty } from '../state/review-slice.js';
import { selectDirty } from '../state/selectors.js';
import { useApp, useCommands } from './context.js';

export function useKeyboardShortcuts(): void {
  const commands = useCommands();
  useEffect(() => installKeyboardShortcuts(commands, window), [commands]);
}

/** Asks before closing or reloading the page while there are unsaved changes. */
export function useUnsavedChangesGuard(): void {
  const dirty = useApp((s) => selectDirty(s) || selectCommentsDirty(s));
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      if (!dirtyRef.current) return;
      event.preventDefault();
      // Older Chromium (and so Electron) shows the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
