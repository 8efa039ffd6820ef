import { useState, type InputHTMLAttributes, type KeyboardEvent, type TextareaHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'defaultValue'> & {
  readonly value: string;
  readonly onCommit: (value: string) => void;
};

/**
 * A text box that edits a local draft and commits on Enter or blur, so that typing a word is
 * one undo step rather than one per key. Escape puts the stored value back.
 */
export function DraftInput({ value, onCommit, onKeyDown, onBlur, ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // The stored value changed underneath (undo, another edit): show it.
    setShown(value);
    setDraft(value);
  }
  const commit = (): void => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <input
      type="text"
      spellCheck={false}
      {...rest}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={(e) => {
        commit();
        onBlur?.(e);
      }}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(value);
        onKeyDown?.(e);
      }}
    />
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'defaultValue'> & {
  readonly value: string;
  readonly onCommit: (value: string) => void;
};

/** The multi-line twin of DraftInput (JSON params): commits on blur or Ctrl/Cmd+Enter. */
export function DraftTextArea({ value, onCommit, ...rest }: AreaProps) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value);
  }
  const commit = (): void => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <textarea
      spellCheck={false}
      rows={Math.min(16, Math.max(4, draft.split('\n').length))}
      {...rest}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
        if (e.key === 'Escape') setDraft(value);
      }}
    />
  );
}
