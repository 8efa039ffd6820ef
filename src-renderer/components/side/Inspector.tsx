import './inspector.css';
import { useMemo } from 'react';
import { catalogue } from '../../../nodes/index.js';
import { useActions, useApp, useCommandEnabled } from '../../app/context.js';
import { whyRun } from '../../state/node-status.js';
import { isRunActive } from '../../state/run-slice.js';
import {
  graphCheck,
  selectExplainEntry,
  selectHasErrors,
  selectNodeProblems,
  selectProblems,
  selectSelectedNode,
} from '../../state/selectors.js';
import { CommandButton } from '../CommandButton.js';
import { DraftInput } from '../DraftInput.js';
import { Docs } from './Docs.js';
import { inferWithRuns, knownInputs } from './input-schemas.js';
import { LastRun } from './LastRun.js';
import { NodeOutputs } from './NodeOutputs.js';
import { ParamForm } from './ParamForm.js';
import { ReviewComments } from '../review/ReviewComments.js';
import { ReviewMetrics } from '../review/ReviewMetrics.js';
import { ProblemList } from './ProblemList.js';

export function Inspector() {
  const node = useApp(selectSelectedNode);
  if (!node) return <PipelineSummary />;
  return <NodeInspector key={node.id} nodeId={node.id} />;
}

function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useApp((s) => s.document.nodes.find((n) => n.id === nodeId));
  const problems = useApp(selectNodeProblems(nodeId));
  const { setLabel } = useActions();
  // Review mode: the fields show the bundle's values and take no input.
  const readOnly = useApp((s) => s.review !== null);
  const doc = useApp((s) => s.document);
  const runNodes = useApp((s) => s.run.nodes);
  // Column pickers: what inferSchema knows, and for file sources what their last run wrote.
  const inputs = useMemo(() => knownInputs(doc, nodeId, inferWithRuns(doc, graphCheck(doc).order, catalogue, runNodes)), [doc, nodeId, runNodes]);
  if (!node) return null;
  const spec = catalogue.get(node.type, node.typeVersion);

  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector-header">
        <h2 className="inspector-title">{node.label || spec?.title || node.type}</h2>
        <div className="inspector-sub">
          <code>{node.id}</code> · {node.type} v{node.typeVersion}
        </div>
        {spec && <p className="inspector-summary">{spec.summary}</p>}
      </header>

      <NodeRunActions nodeId={nodeId} />

      <fieldset className="review-readonly" disabled={readOnly} data-testid="node-fields">
        <label className="field">
          <span className="field-label">Label</span>
          <DraftInput
            value={node.label ?? ''}
            placeholder={spec?.title ?? ''}
            data-testid="node-label-input"
            onCommit={(v) => setLabel(nodeId, v)}
          />
        </label>

        {spec ? (
          <section className="inspector-section">
            <h3>Parameters</h3>
            <ParamForm nodeId={nodeId} spec={spec} params={node.params} problems={problems} inputs={inputs} />
          </section>
        ) : (
          <p className="hint">This node type is not known to this version of Plumb, so it cannot be edited or run.</p>
        )}
      </fieldset>

      <ReviewComments nodeId={nodeId} />
      <ReviewMetrics nodeId={nodeId} />

      {problems.length > 0 && (
        <section className="inspector-section">
          <h3>Problems</h3>
          <ProblemList problems={problems} />
        </section>
      )}

      <section className="inspector-section">
        <h3>Last run</h3>
        <LastRun nodeId={nodeId} />
      </section>

      <section className="inspector-section">
        <h3>Outputs</h3>
        <NodeOutputs nodeId={nodeId} />
      </section>

      {spec && (
        <section className="inspector-section">
          <h3>Help</h3>
          <Docs markdown={spec.docs} />
        </section>
      )}
    </div>
  );
}

function NodeRunActions({ nodeId }: { nodeId: string }) {
  const why = whyRun(useApp(selectExplainEntry(nodeId)));
  const hasErrors = useApp(selectHasErrors);
  const running = useApp((s) => isRunActive(s.run.status));
  const inReview = useApp((s) => s.review !== null);
  const canUntil = useCommandEnabled('run.until');
  const canNode = useCommandEnabled('run.node');
  let answer: string;
  if (inReview) answer = 'Nothing runs in review mode: import as editable to run it on your data.';
  else if (why.kind === 'up-to-date') answer = 'Up to date: a stored result matches';
  else if (why.kind === 'will-run') answer = why.reasons.join('; ');
  else if (hasErrors) answer = 'Nothing runs until the problems are fixed.';
  else if (running) answer = 'Known when the run ends.';
  else answer = 'Not known yet.';
  return (
    <section className="inspector-section inspector-run">
      <p className={`why-run why-${why.kind}`} data-testid="why-run">
        <span className="why-run-question">Why will this run?</span> {answer}
      </p>
      <div className="inspector-actions">
        <CommandButton command="run.until" text="Run to here" testId="run-until" disabled={!canUntil} />
        <CommandButton command="run.node" text="Re-run this node" testId="run-node" disabled={!canNode} />
      </div>
    </section>
  );
}

function PipelineSummary() {
  const doc = useApp((s) => s.document);
  const problems = useApp(selectProblems);
  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector-header">
        <h2 className="inspector-title">{doc.name}</h2>
        {doc.description && <p className="inspector-summary">{doc.description}</p>}
        <div className="inspector-sub">
          {doc.nodes.length} node{doc.nodes.length === 1 ? '' : 's'}, {doc.edges.length} connection
          {doc.edges.length === 1 ? '' : 's'}
        </div>
      </header>
      <p className="hint">Select a node to edit its parameters and see its outputs.</p>
      <ReviewComments nodeId={null} />
      {problems.length > 0 && (
        <section className="inspector-section">
          <h3>Problems</h3>
          <ProblemList problems={problems} showNode />
        </section>
      )}
    </div>
  );
}
