import { useState } from 'react';

/**
 * A field's text while it is being typed, separate from the stored value so that a word is one
 * undo step; when the stored value changes underneath (undo, another edit), the draft follows it.
 */
export function useDraft(value: string): { draft: string; setDraft: (text: string) => void; editing: boolean } {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value);
  }
  return { draft: value !== shown ? value : draft, setDraft, editing: draft !== value };
}
