import { ReactFlowProvider } from '@xyflow/react';
import { useKeyboardShortcuts, useUnsavedChangesGuard } from '../app/hooks.js';
import { Canvas } from './canvas/Canvas.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Dialogs } from './dialogs/Dialogs.js';
import { Palette } from './Palette.js';
import { RunLog } from './RunLog.js';
import { SidePanel } from './side/SidePanel.js';
import { Toasts } from './Toasts.js';
import { TopBar } from './TopBar.js';

export function App() {
  useKeyboardShortcuts();
  useUnsavedChangesGuard();
  return (
    // One provider around everything, so the palette can place nodes in the canvas's viewport.
    <ReactFlowProvider>
      <div className="app">
        <TopBar />
        <ConnectionBanner />
        <main className="workspace">
          <Palette />
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
