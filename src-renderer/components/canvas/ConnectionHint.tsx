import { useConnection, type ConnectionState } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/context.js';
import { connectionRefusal } from './use-canvas-handlers.js';

const OFFSET = 16;

/**
 * While a wire is being dragged over a port it cannot join, says why right at the pointer:
 * the user learns it where they look, before letting go.
 */
export function ConnectionHint() {
  const { inProgress, isValid, pointer, from, to } = useConnection(
    useShallow((c: ConnectionState) => ({
      inProgress: c.inProgress,
      isValid: c.isValid,
      pointer: c.pointer,
      from: c.fromHandle,
      to: c.toHandle,
    })),
  );
  const document = useApp((s) => s.document);
  if (!inProgress || isValid !== false || !pointer) return null;
  const reason = connectionRefusal(document, from, to);
  if (!reason) return null;
  return (
    <div className="connection-hint" role="status" data-testid="connection-hint" style={{ left: pointer.x + OFFSET, top: pointer.y + OFFSET }}>
      {reason}
    </div>
  );
}
