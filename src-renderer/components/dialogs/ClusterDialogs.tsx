import { useState, type FormEvent } from 'react';
import { useActions, useApp, useCommands } from '../../app/context.js';
import { Modal } from './Modal.js';
import { PathPromptDialog } from './PathPromptDialog.js';

const FIELDS = [
  { key: 'image', label: 'Runner image (built from deploy/Dockerfile, pushed where the cluster pulls from)', placeholder: 'registry.example.com/plumb-runner:0.1.0' },
  { key: 'store', label: 'Where the store volume is mounted in each pod', placeholder: '/store' },
  { key: 'pvc', label: 'PersistentVolumeClaim of the store (ReadWriteMany)', placeholder: 'plumb-store' },
  { key: 'namespace', label: 'Namespace (optional)', placeholder: 'argo' },
  { key: 'out', label: 'Manifest file (optional; default: next to the pipeline, .argo.yaml)', placeholder: '' },
] as const;

type Values = Record<(typeof FIELDS)[number]['key'], string>;

/** "Export for Argo Workflows…": the image, the store and where to write; dispatches cluster.exportArgo. */
export function ArgoExportDialog() {
  const commands = useCommands();
  const { closeDialog } = useActions();
  const path = useApp((s) => s.path);
  const [values, setValues] = useState<Values>({ image: '', store: '/store', pvc: 'plumb-store', namespace: '', out: '' });
  const [busy, setBusy] = useState(false);
  const ready = values.image.trim() !== '' && values.store.trim() !== '';
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    // The command closes this dialog when the manifest is written; a refusal leaves it open with a toast.
    await commands.dispatch('cluster.exportArgo', values);
    setBusy(false);
  };
  return (
    <Modal
      title="Export for Argo Workflows"
      testId="argo-export-dialog"
      onClose={closeDialog}
      footer={
        <>
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" form="argo-export-form" className="button primary" disabled={busy || !ready} data-testid="argo-export-submit">
            Export
          </button>
        </>
      }
    >
      <form id="argo-export-form" onSubmit={(e) => void submit(e)}>
        {FIELDS.map((f) => (
          <div className="field" key={f.key}>
            <label className="field-label" htmlFor={`argo-export-${f.key}`}>
              {f.label}
            </label>
            <input
              id={`argo-export-${f.key}`}
              type="text"
              spellCheck={false}
              data-testid={`argo-export-${f.key}`}
              placeholder={f.key === 'out' && path ? path.replace(/\.plumb$/, '') + '.argo.yaml' : f.placeholder}
              value={values[f.key]}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            />
          </div>
        ))}
      </form>
      <p className="hint">One step per node, each a pod running the runner image on the shared volume; steps whose inputs did not change are reused. Bring the results back with “Import cluster run…”.</p>
    </Modal>
  );
}

/** "Import cluster run…": the store folder (the volume's contents, mounted or copied here). */
export function ClusterImportDialog() {
  const commands = useCommands();
  const { closeDialog } = useActions();
  return (
    <PathPromptDialog
      title="Import cluster run"
      testId="cluster-import-dialog"
      label="The cluster store folder (the volume the steps wrote to, mounted or copied to this computer)"
      submitLabel="Import"
      inputTestId="cluster-import-path-input"
      placeholder="/mnt/plumb-store"
      onSubmit={async (store) => {
        await commands.dispatch('cluster.importRun', { store });
        return false; // the command closes the dialog when the import worked
      }}
      onClose={closeDialog}
    >
      <p className="hint">Runs already imported are left alone; a workflow still running is imported once it has ended.</p>
    </PathPromptDialog>
  );
}
