import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { catalogue } from '../../../nodes/index.js';
import type { PortSpec } from '../../../src-shared/nodes/spec.js';
import { useApp } from '../../app/context.js';
import { selectNodeDiffStatus } from '../../state/diff-slice.js';
import { selectCommentCount } from '../../state/review-slice.js';
import { selectDisplayStatus, selectExplainEntry, selectNodeProblems } from '../../state/selectors.js';
import { CommentBadge } from '../review/ReviewComments.js';
import { formatMs } from '../format.js';
import { CATEGORY_COLORS, PORT_COLORS } from '../theme.js';
import { LowDetail } from './detail-level.js';
import { PORT_SHAPES } from './port-shapes.js';
import type { PlumbFlowNode } from './flow.js';

function PipelineNodeViewImpl({ id, data, selected }: NodeProps<PlumbFlowNode>) {
  const spec = catalogue.get(data.type, data.typeVersion);
  const run = useApp((s) => s.run.nodes[id]);
  const { status, hint } = useApp(useShallow(selectDisplayStatus(id)));
  const explain = useApp(selectExplainEntry(id));
  const problems = useApp(selectNodeProblems(id));
  const comments = useApp(selectCommentCount(id));
  const diff = useApp(selectNodeDiffStatus(id));
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const accent = spec ? CATEGORY_COLORS[spec.category] : '#9aa3af';
  const lowDetail = useContext(LowDetail);

  return (
    <div
      className={`pnode status-${status}${selected ? ' selected' : ''}${errors.length ? ' has-problems' : ''}${diff ? ` diff-${diff}` : ''}`}
      data-testid={`node-${id}`}
      data-diff={diff ?? undefined}
      data-category={spec?.category}
      style={{ borderTopColor: accent }}
    >
      <div className="pnode-header">
        <span className="pnode-category-dot" style={{ background: accent }} title={spec ? `${spec.category} node` : 'unknown node type'} />
        <span className="pnode-title">{data.label || spec?.title || data.type}</span>
        <CommentBadge nodeId={id} count={comments} />
        {warnings.length > 0 && (
          <span
            className="pnode-warnings"
            data-testid={`node-warnings-${id}`}
            title={warnings.map((p) => p.message).join('\n')}
          >
            ! {warnings.length}
          </span>
        )}
        {errors.length > 0 && (
          <span
            className="pnode-problems"
            data-testid={`node-problems-${id}`}
            title={errors.map((p) => p.message).join('\n')}
          >
            ⚠ {errors.length}
          </span>
        )}
      </div>
      <div className="pnode-type">
        {data.type}
        {spec ? '' : ' (unknown type)'}
      </div>
      {spec && (
        <div className="pnode-ports">
          {spec.inputs.map((p) => (
            <PortRow key={`in-${p.name}`} port={p} side="in" lowDetail={lowDetail} />
          ))}
          {spec.outputs.map((p) => (
            <PortRow key={`out-${p.name}`} port={p} side="out" lowDetail={lowDetail} />
          ))}
        </div>
      )}
      <div className="pnode-footer">
        <span
          className={`status-badge status-${status}${hint ? ' status-hint' : ''}`}
          data-testid={`node-status-${id}`}
          title={badgeTitle(status, hint, explain?.reasons)}
        >
          {status}
        </span>
        {status !== 'stale' && run?.ms !== undefined && <span className="pnode-ms">{formatMs(run.ms)}</span>}
        {status !== 'stale' && run?.cached && <span className="pnode-ms">from cache</span>}
      </div>
      {status === 'running' && (
        <div
          className={`pnode-progress${run?.progress === undefined ? ' indeterminate' : ''}`}
          data-testid={`node-progress-${id}`}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          {...(run?.progress !== undefined ? { 'aria-valuenow': Math.round(run.progress * 100) } : {})}
        >
          <div className="pnode-progress-fill" style={run?.progress !== undefined ? { width: `${Math.round(run.progress * 100)}%` } : undefined} />
        </div>
      )}
      {run?.error && (
        <div className="pnode-error" title={run.error}>
          {run.error}
        </div>
      )}
    </div>
  );
}

function badgeTitle(status: string, hint: boolean, reasons: readonly string[] | undefined): string | undefined {
  if (hint) return 'Not run in this session; a stored result matches, so running reuses it';
  if (status === 'stale') {
    return reasons && reasons.length > 0
      ? `Changed since it ran: ${reasons.join('; ')}`
      : 'Its stored result is no longer in the cache';
  }
  return undefined;
}

/**
 * A port: its colour and its handle's shape both say the type (circle table, diamond model,
 * square report), so they stay apart for colour-blind users too; the full name and what it
 * carries show on hover. Zoomed far out the row keeps its place and its handle but not its text.
 */
function PortRow({ port, side, lowDetail }: { port: PortSpec; side: 'in' | 'out'; lowDetail: boolean }) {
  const color = PORT_COLORS[port.type];
  const title = `${side === 'in' ? 'input' : 'output'} ${port.label ?? port.name} (${port.type})${port.description ? `: ${port.description}` : ''}`;
  return (
    <div className={`pnode-port port-${side}`} title={lowDetail ? undefined : title}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.name}
        className={`port-handle port-${port.type} port-shape-${PORT_SHAPES[port.type]}`}
        style={{ background: color }}
        title={title}
        data-testid={`port-${side}-${port.name}`}
      />
      {!lowDetail && (
        <>
          <span className="port-name">{port.name}</span>
          <span className="port-type" style={{ color }}>
            {port.type}
          </span>
        </>
      )}
    </div>
  );
}

export const PipelineNodeView = memo(PipelineNodeViewImpl);
