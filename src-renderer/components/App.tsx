import { ReactFlowProvider } from '@xyflow/react';
import { useApp } from '../app/context.js';
import { useKeyboardShortcuts, useUnsavedChangesGuard } from '../app/hooks.js';
import { Canvas } from './canvas/Canvas.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Dialogs } from './dialogs/Dialogs.js';
import { Palette } from './Palette.js';
import { RecoveryBanner } from './RecoveryBanner.js';
import { ReviewBanner } from './review/ReviewBanner.js';
import { ReviewSidebar } from './review/ReviewSidebar.js';
import { useFileDrop } from './review/use-file-drop.js';
import { RunLog } from './RunLog.js';
import { SidePanel } from './side/SidePanel.js';
import { Toasts } from './Toasts.js';
import { TopBar } from './TopBar.js';

export function App() {
  useKeyboardShortcuts();
  useUnsavedChangesGuard();
  useFileDrop();
  const inReview = useApp((s) => s.review !== null);
  // The playground and the charts need room (a form and two results, a table and its charts); the canvas keeps the rest.
  const wide = useApp((s) => s.sideTab === 'playground' || s.sideTab === 'charts');
  return (
    // One provider around everything, so the palette can place nodes in the canvas's viewport.
    <ReactFlowProvider>
      <div className="app">
        <TopBar />
        <ConnectionBanner />
        <RecoveryBanner />
        <ReviewBanner />
        <main className={wide ? 'workspace wide-side' : 'workspace'}>
          {inReview ? <ReviewSidebar /> : <Palette />}
          <Canvas />
          <SidePanel />
        </main>
        <RunLog />
        <Dialogs />
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}
