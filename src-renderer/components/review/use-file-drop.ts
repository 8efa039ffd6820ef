import { useEffect } from 'react';
import { useController } from '../../app/context.js';

const carriesFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true;

/**
 * A file dropped anywhere on the window: a review bundle opens for review, a pipeline as an
 * untitled document. Both hosts hand the page the file's bytes, not its path, so the bundle
 * travels to the host as base64 (`bundle.open {name, base64}`). Drags of palette nodes carry no
 * files and are left to the canvas.
 */
export function useFileDrop(): void {
  const controller = useController();
  useEffect(() => {
    const onDragOver = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      // Without this the browser would navigate to the dropped file, leaving the app.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent): void => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      void controller.review.openDropped({ name: file.name, bytes: () => file.arrayBuffer(), text: () => file.text() });
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [controller]);
}
