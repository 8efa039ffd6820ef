import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useState, type KeyboardEvent } from 'react';
import { NOTE_COLORS } from '../../../src-shared/pipeline/document.js';
import { useActions } from '../../app/context.js';
import type { NoteFlowNode } from './flow.js';

/**
 * A sticky note. Double-click to write; the text reaches the document (one undo step) when
 * the editor loses focus or on Ctrl/Cmd+Enter; Escape drops the edit.
 */
function NoteViewImpl({ data, selected }: NodeProps<NoteFlowNode>) {
  const { setNoteText, setNoteColor } = useActions();
  const [draft, setDraft] = useState<string | null>(null);

  const commit = (): void => {
    if (draft !== null) setNoteText(data.noteId, draft);
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setDraft(null);
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit();
    }
  };

  return (
    <div
      className={`note note-${data.color}${selected ? ' selected' : ''}`}
      data-testid={`note-${data.noteId}`}
      onDoubleClick={() => setDraft(data.text)}
    >
      <NodeResizer isVisible={selected} minWidth={80} minHeight={50} lineClassName="note-resize-line" handleClassName="note-resize-handle" />
      {draft !== null ? (
        <textarea
          className="note-editor nodrag nowheel nopan"
          aria-label="Note text"
          autoFocus
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={onKeyDown}
        />
      ) : (
        <div className={`note-text${data.text ? '' : ' empty'}`}>{data.text || 'Double-click to write a note'}</div>
      )}
      {selected && draft === null && (
        <div className="note-colors nodrag" role="group" aria-label="Note colour">
          {NOTE_COLORS.map((c) => (
            <button
              key={c}
              type="button"
              className={`note-swatch note-${c}${c === data.color ? ' current' : ''}`}
              title={c}
              aria-label={`${c} note`}
              aria-pressed={c === data.color}
              onClick={() => setNoteColor(data.noteId, c)}
            />
          ))}
        </div>
      )}
    </div>
  );
}

export const NoteView = memo(NoteViewImpl);
