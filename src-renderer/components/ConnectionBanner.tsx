import { useApp } from '../app/context.js';

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  if (connection !== 'disconnected') return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      Disconnected from Plumb: run updates are paused. Reconnecting…
    </div>
  );
}
