import { useController } from '../../app/context.js';
import type { ConfirmRequest } from '../../state/ui-slice.js';
import { Modal } from './Modal.js';

export function ConfirmDialog({ request }: { request: ConfirmRequest }) {
  const controller = useController();
  const answer = (ok: boolean) => controller.answerConfirm(request.id, ok);
  return (
    <Modal
      title={request.title}
      testId="confirm-dialog"
      onClose={() => answer(false)}
      footer={
        <>
          <button type="button" className="button" data-testid="confirm-cancel" onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="button danger" data-testid="confirm-ok" onClick={() => answer(true)}>
            {request.confirmLabel}
          </button>
        </>
      }
    >
      <p>{request.message}</p>
    </Modal>
  );
}
