import { useApp, useController } from '../app/context.js';

/**
 * Offers back work that was never saved (the app crashed, or the tab was closed with changes).
 * A banner, not a dialog: the file as saved stays usable while the user decides.
 */
export function RecoveryBanner() {
  const recovery = useApp((s) => s.autosave.recovery);
  const controller = useController();
  if (!recovery) return null;
  const what = recovery.path ? `"${recovery.path.split(/[\\/]/).pop()}"` : 'an untitled pipeline';
  return (
    <div className="recovery-banner" role="status" data-testid="recovery-banner">
      <span>
        Unsaved changes to {what} from {new Date(recovery.savedAt).toLocaleString()} were kept when Plumb last closed.
      </span>
      <button type="button" className="button primary" data-testid="recovery-restore" onClick={() => controller.autosave.restore()}>
        Restore them
      </button>
      <button type="button" className="button" data-testid="recovery-discard" onClick={() => void controller.autosave.discard()}>
        Discard
      </button>
    </div>
  );
}
