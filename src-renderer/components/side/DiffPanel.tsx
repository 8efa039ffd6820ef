import { useEffect, type ReactNode } from 'react';
import './diff-panel.css';
import { catalogue } from '../../../nodes/index.js';
import type { ValueChange } from '../../../src-shared/pipeline/diff-format.js';
import { formatDiffValue } from '../../../src-shared/pipeline/diff.js';
import type { PipelineDocument, PipelineEdge } from '../../../src-shared/pipeline/document.js';
import { useActions, useApp, useCommands } from '../../app/context.js';
import { isTypingTarget } from '../../commands/keyboard.js';
import { selectDiff, type ActiveDiff } from '../../state/diff-slice.js';

/**
 * The Changes list of the diff view, at the top of the side panel (the canvas stays whole): what
 * changed from the other version to the canvas, node by node with each param's `old -> new`.
 * Clicking a node's entry or one of its changes selects the node, so the inspector below shows it.
 */
export function DiffPanel() {
  const active = useApp(selectDiff);
  const document = useApp((s) => s.document);
  const { select } = useActions();
  const commands = useCommands();
  useEscapeCloses(active !== null);
  if (!active) return null;
  const { diff, base } = active;
  const titleOf = (id: string, doc: PipelineDocument): string => nodeTitle(doc.nodes.find((n) => n.id === id)) ?? id;

  return (
    <aside className="diff-panel" data-testid="diff-panel" aria-label="Changes">
      <header className="diff-panel-header">
        <h2>Changes</h2>
        <button type="button" className="button" data-testid="diff-close" title="Close diff (Esc)" onClick={() => void commands.dispatch('diff.close')}>
          Close diff
        </button>
      </header>
      <p className="diff-sides" data-testid="diff-sides">
        <span title={base.label}>{base.label}</span> → <span title={base.currentLabel}>{base.currentLabel}</span>
      </p>
      {diff.same ? (
        <p className="hint" data-testid="diff-same">
          No differences (positions are ignored).
        </p>
      ) : (
        <>
          <p className="diff-summary">{summary(active)}</p>
          {diff.pipelineChanges.length > 0 && (
            <Section
              title="Pipeline"
              items={[
                <li key="pipeline" className="diff-entry diff-changed">
                  <ChangeList changes={diff.pipelineChanges} />
                </li>,
              ]}
            />
          )}
          <Section
            title="Nodes"
            items={[
              ...diff.changedNodes.map((n) => (
              <li key={n.id} className="diff-entry diff-changed" data-testid={`diff-node-${n.id}`}>
                <button type="button" className="diff-node" onClick={() => select({ node: n.id })} title={`Select ${n.id}`}>
                  <span className="diff-mark">~</span> {titleOf(n.id, document)} <span className="diff-id">{n.id}</span>
                </button>
                <ChangeList changes={n.changes} onPick={() => select({ node: n.id })} />
              </li>
              )),
              ...diff.addedNodes.map((n) => (
              <li key={n.id} className="diff-entry diff-added" data-testid={`diff-node-${n.id}`}>
                <button type="button" className="diff-node" onClick={() => select({ node: n.id })} title={`Select ${n.id}`}>
                  <span className="diff-mark">+</span> {titleOf(n.id, document)} <span className="diff-id">{n.type}</span>
                </button>
              </li>
              )),
              ...diff.removedNodes.map((n) => (
              <li key={n.id} className="diff-entry diff-removed" data-testid={`diff-node-${n.id}`}>
                <span className="diff-node">
                  <span className="diff-mark">−</span> {titleOf(n.id, base.document)} <span className="diff-id">{n.type}</span>
                </span>
              </li>
              )),
            ]}
          />
          <Section
            title="Connections"
            items={[
              ...diff.addedEdges.map((e) => (
              <li key={`+${e.id}`} className="diff-entry diff-added diff-edge">
                <span className="diff-mark">+</span> {edgeText(e)}
              </li>
              )),
              ...diff.removedEdges.map((e) => (
              <li key={`-${e.id}`} className="diff-entry diff-removed diff-edge">
                <span className="diff-mark">−</span> {edgeText(e)}
              </li>
              )),
            ]}
          />
        </>
      )}
    </aside>
  );
}

function Section({ title, items }: { title: string; items: readonly ReactNode[] }) {
  if (items.length === 0) return null;
  return (
    <section className="diff-section">
      <h3>{title}</h3>
      <ul>{items}</ul>
    </section>
  );
}

function ChangeList({ changes, onPick }: { changes: readonly ValueChange[]; onPick?: () => void }) {
  return (
    <ul className="diff-changes">
      {changes.map((c) => {
        const text = changeText(c);
        return (
          <li key={c.path}>
            {onPick ? (
              <button type="button" className="diff-change" data-testid="diff-change" title={changeText(c, 2000)} onClick={onPick}>
                {text}
              </button>
            ) : (
              <span className="diff-change" data-testid="diff-change" title={changeText(c, 2000)}>
                {text}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** `max_depth: 5 -> 8`: params are what a reviewer reads most, so they go without their prefix. */
export function changeText(c: ValueChange, maxLength = 80): string {
  const path = c.path.startsWith('params.') ? c.path.slice('params.'.length) : c.path;
  return `${path}: ${formatDiffValue(c.old, maxLength)} -> ${formatDiffValue(c.new, maxLength)}`;
}

function nodeTitle(node: PipelineDocument['nodes'][number] | undefined): string | null {
  if (!node) return null;
  return node.label || catalogue.get(node.type, node.typeVersion)?.title || node.type;
}

function edgeText(e: PipelineEdge): string {
  return `${e.from.node}.${e.from.port} → ${e.to.node}.${e.to.port}`;
}

function summary({ diff }: ActiveDiff): string {
  const parts: string[] = [];
  const count = (n: number, what: string) => n > 0 && parts.push(`${n} ${what}`);
  count(diff.changedNodes.length, diff.changedNodes.length === 1 ? 'node changed' : 'nodes changed');
  count(diff.addedNodes.length, diff.addedNodes.length === 1 ? 'node added' : 'nodes added');
  count(diff.removedNodes.length, diff.removedNodes.length === 1 ? 'node removed' : 'nodes removed');
  const edges = diff.addedEdges.length + diff.removedEdges.length;
  count(edges, edges === 1 ? 'connection changed' : 'connections changed');
  count(diff.pipelineChanges.length, diff.pipelineChanges.length === 1 ? 'pipeline detail' : 'pipeline details');
  return parts.join(', ');
}

/**
 * Escape leaves the diff view. Escape is also run.cancel's shortcut: while a run is under way that
 * command takes the key first (it prevents the default), and the diff stays.
 */
function useEscapeCloses(enabled: boolean): void {
  const commands = useCommands();
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || isTypingTarget(e.target)) return;
      if (e.target instanceof Element && e.target.closest('[role="dialog"]')) return;
      void commands.dispatch('diff.close');
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [commands, enabled]);
}
