import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from ./dist by the browser host and loaded with loadFile by Electron,
// so asset URLs are relative (base './') and work from file:// as well as from http://.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    // A desktop app loads its bundle from disk; one ~0.6 MB chunk is not worth splitting.
    chunkSizeWarningLimit: 1500,
  },
});
