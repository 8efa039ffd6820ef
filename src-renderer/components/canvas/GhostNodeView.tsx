import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
// The diff view's marks on nodes and edges; this view is loaded with the canvas, so they are too.
import './diff.css';
import { catalogue } from '../../../nodes/index.js';
import type { GhostFlowNode } from './flow.js';

/**
 * A node the other version has and the canvas does not: drawn where it was, dashed and red, with
 * its ports so removed edges have somewhere to end. Not part of the document, not editable.
 */
function GhostNodeViewImpl({ data }: NodeProps<GhostFlowNode>) {
  const spec = catalogue.get(data.type, data.typeVersion);
  return (
    <div className="pnode ghost-node diff-removed" data-testid={`ghost-node-${data.nodeId}`} data-diff="removed" title="Removed: only in the other version">
      <div className="pnode-header">
        <span className="pnode-title">{data.label || spec?.title || data.type}</span>
      </div>
      <div className="pnode-type">{data.type}</div>
      {spec && (
        <div className="pnode-ports">
          {spec.inputs.map((p) => (
            <div key={`in-${p.name}`} className="pnode-port port-in">
              <Handle type="target" position={Position.Left} id={p.name} isConnectable={false} className="port-handle ghost-handle" />
              <span className="port-name">{p.name}</span>
            </div>
          ))}
          {spec.outputs.map((p) => (
            <div key={`out-${p.name}`} className="pnode-port port-out">
              <Handle type="source" position={Position.Right} id={p.name} isConnectable={false} className="port-handle ghost-handle" />
              <span className="port-name">{p.name}</span>
            </div>
          ))}
        </div>
      )}
      <div className="pnode-footer">
        <span className="diff-tag">removed</span>
      </div>
    </div>
  );
}

export const GhostNodeView = memo(GhostNodeViewImpl);
