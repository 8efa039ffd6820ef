import { useEffect } from 'react';
import { useActions, useApp } from '../app/context.js';
import type { Toast } from '../state/ui-slice.js';

const INFO_TIMEOUT_MS = 6000;
const MAX_DETAILS = 6;

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const { dismissToast } = useActions();
  if (toasts.length === 0) return null;
  return (
    <div className="toasts">
      {toasts.map((t) => (
        <ToastView key={t.id} toast={t} onDismiss={dismissToast} />
      ))}
    </div>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    // Errors stay until read and dismissed; notes go away by themselves.
    if (toast.kind !== 'info') return;
    const timer = setTimeout(() => onDismiss(toast.id), INFO_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind, onDismiss]);
  // Hosts often repeat the one-line reason in the details; say it once.
  const details = toast.details.filter((d) => !toast.message.includes(d));

  return (
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      data-testid={toast.kind === 'error' ? 'error-banner' : 'info-toast'}
    >
      <div className="toast-body">
        <p className="toast-message">{toast.message}</p>
        {details.length > 0 && (
          <ul className="toast-details">
            {details.slice(0, MAX_DETAILS).map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        )}
      </div>
      <button className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}
