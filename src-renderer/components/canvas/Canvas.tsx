import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { catalogue } from '../../../nodes/index.js';
import { useApp } from '../../app/context.js';
import { CATEGORY_COLORS } from '../theme.js';
import { toFlowEdges, toFlowNodes, type FlowNodeCache, type PlumbFlowEdge, type PlumbFlowNode } from './flow.js';
import { PipelineNodeView } from './PipelineNodeView.js';
import { useCanvasHandlers } from './use-canvas-handlers.js';

// Defined once at module level: a new object per render would remount every node.
const nodeTypes = { plumb: PipelineNodeView };

function minimapColor(n: PlumbFlowNode): string {
  const spec = catalogue.get(n.data.type, n.data.typeVersion);
  return spec ? CATEGORY_COLORS[spec.category] : '#9aa3af';
}

export function Canvas() {
  const docNodes = useApp((s) => s.document.nodes);
  const docEdges = useApp((s) => s.document.edges);
  const { selectedNodeId, selectedEdgeId, measured, dragging, loadCount } = useApp(
    useShallow((s) => ({
      selectedNodeId: s.selectedNodeId,
      selectedEdgeId: s.selectedEdgeId,
      measured: s.measured,
      dragging: s.dragging,
      loadCount: s.loadCount,
    })),
  );
  const cache = useRef<FlowNodeCache>(new Map());
  const nodes = useMemo(
    () => toFlowNodes(docNodes, selectedNodeId, measured, dragging, cache.current),
    [docNodes, selectedNodeId, measured, dragging],
  );
  const edges = useMemo(() => toFlowEdges(docEdges, docNodes, selectedEdgeId), [docEdges, docNodes, selectedEdgeId]);
  const handlers = useCanvasHandlers();

  return (
    <div className="canvas" data-testid="canvas" onDragOver={handlers.onDragOver} onDrop={handlers.onDrop}>
      <ReactFlow<PlumbFlowNode, PlumbFlowEdge>
        // Remounting on each load makes fitView apply to the newly opened pipeline.
        key={loadCount}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={handlers.onNodesChange}
        onEdgesChange={handlers.onEdgesChange}
        onConnect={handlers.onConnect}
        onConnectEnd={handlers.onConnectEnd}
        isValidConnection={handlers.isValidConnection}
        // Deleting goes through the edit.delete command, so it is undoable like everything else.
        deleteKeyCode={null}
        multiSelectionKeyCode={null}
        selectionKeyCode={null}
        fitView
        fitViewOptions={{ padding: 0.25, maxZoom: 1.2 }}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c5cad3" />
        <Controls showInteractive={false} />
        <MiniMap<PlumbFlowNode> pannable zoomable nodeColor={minimapColor} style={{ width: 150, height: 100 }} />
      </ReactFlow>
      {docNodes.length === 0 && (
        <div className="canvas-empty">
          <p>An empty pipeline.</p>
          <p className="hint">Drag a node from the palette, or open a pipeline file.</p>
        </div>
      )}
    </div>
  );
}
