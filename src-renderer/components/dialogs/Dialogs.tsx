import { useApp } from '../../app/context.js';
import { ArgoExportDialog, ClusterImportDialog } from './ClusterDialogs.js';
import { CompareDialog } from './CompareDialog.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { HelpDialog } from './HelpDialog.js';
import { OpenDialog } from './OpenDialog.js';
import { OpenModelDialog } from './OpenModelDialog.js';
import { ExportBundleDialog, OpenBundleDialog, SaveCommentsDialog } from './ReviewDialogs.js';
import { SaveAsDialog } from './SaveAsDialog.js';

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open':
      return <OpenDialog />;
    case 'openModel':
      return <OpenModelDialog slot={dialog.slot} />;
    case 'saveAs':
      return <SaveAsDialog />;
    case 'compare':
      return <CompareDialog />;
    case 'help':
      return <HelpDialog />;
    case 'confirm':
      return <ConfirmDialog request={dialog} />;
    case 'openBundle':
      return <OpenBundleDialog />;
    case 'exportBundle':
      return <ExportBundleDialog />;
    case 'saveComments':
      return <SaveCommentsDialog />;
    case 'argoExport':
      return <ArgoExportDialog />;
    case 'clusterImport':
      return <ClusterImportDialog />;
  }
}
