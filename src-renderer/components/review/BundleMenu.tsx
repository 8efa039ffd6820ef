import { useRef } from 'react';
import { CommandButton } from '../CommandButton.js';

/**
 * The top bar's "Review" menu: export the open pipeline as a review bundle, open one, or compare
 * the pipeline with another version. One button rather than three, so the toolbar fits on one
 * line at 1280 px.
 */
export function BundleMenu() {
  const ref = useRef<HTMLDetailsElement>(null);
  return (
    <details
      ref={ref}
      className="toolbar-menu"
      data-testid="bundle-menu"
      // A command picked closes the menu, as a menu does.
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('.toolbar-menu-items button')) ref.current?.removeAttribute('open');
      }}
    >
      <summary className="button" title="Review: export this pipeline's last run as a bundle (.plumbz), open one, or compare with another version">
        Review ▾
      </summary>
      <div className="toolbar-menu-items" role="menu">
        <CommandButton command="file.exportBundle" text="Export review bundle…" />
        <CommandButton command="file.openBundle" text="Open review bundle…" />
        <CommandButton command="diff.compare" text="Compare with…" />
        {/* Scale out (issue 11): here rather than a menu of their own, so the toolbar stays one line at 1280 px. */}
        <CommandButton command="cluster.exportArgo" text="Export for Argo Workflows…" />
        <CommandButton command="cluster.importRun" text="Import cluster run…" />
      </div>
    </details>
  );
}
