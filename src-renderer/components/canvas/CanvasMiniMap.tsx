import { Panel, useReactFlow, useStoreApi, type InternalNode, type Node, type ReactFlowState } from '@xyflow/react';
import { useEffect, useRef, type PointerEvent } from 'react';
import {
  contains,
  flowToMap,
  mapFrame,
  mapToFlow,
  unionRect,
  visibleFlowRect,
  type MapFrame,
  type Rect,
} from './minimap-geometry.js';

const WIDTH = 150;
const HEIGHT = 100;

interface Grab {
  readonly frame: MapFrame;
  /** Where in the view rectangle it was taken, from its centre: a drag moves the view by its edge, not its middle. */
  readonly dx: number;
  readonly dy: number;
}

/**
 * The overview of the whole pipeline in the corner: every node in its category's colour and the
 * part on screen. Drawn on a canvas from React Flow's store, at most once a frame and without a
 * React render, so panning or dragging a 500-node pipeline does not re-render 500 map nodes per
 * mouse move as React Flow's SVG MiniMap does. Click or drag to move the view there; the wheel zooms.
 */
export function CanvasMiniMap({ nodeColor }: { nodeColor: (node: Node) => string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const { setCenter, getViewport, zoomTo } = useReactFlow();
  const frame = useRef<MapFrame | null>(null);
  const grab = useRef<Grab | null>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    let pending = 0;
    // Read once, and again when the theme changes: reading them per frame forced a style pass each time.
    let colours = themeColours(element);
    const redraw = () => {
      pending = 0;
      frame.current = drawMap(element, store.getState(), nodeColor, colours);
    };
    const schedule = () => {
      if (!pending) pending = requestAnimationFrame(redraw);
    };
    const onTheme = () => {
      colours = themeColours(element);
      schedule();
    };
    redraw();
    // Any store change: React Flow updates its node map in place (a measured node changes no
    // reference), and a draw is at most one a frame and a fraction of a millisecond.
    const unsubscribe = store.subscribe(schedule);
    const theme = window.matchMedia('(prefers-color-scheme: dark)');
    theme.addEventListener('change', onTheme);
    return () => {
      unsubscribe();
      theme.removeEventListener('change', onTheme);
      if (pending) cancelAnimationFrame(pending);
    };
  }, [store, nodeColor]);

  // React's wheel listeners are passive; a zoom must stop the page from scrolling.
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      // About the middle of the canvas, as the zoom buttons do; React Flow keeps it within its limits.
      void zoomTo(getViewport().zoom * Math.pow(2, -e.deltaY * 0.002));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [getViewport, zoomTo]);

  const moveTo = (e: PointerEvent<HTMLCanvasElement>, g: Grab) => {
    const box = e.currentTarget.getBoundingClientRect();
    const p = mapToFlow(g.frame, e.clientX - box.left, e.clientY - box.top);
    void setCenter(p.x - g.dx, p.y - g.dy, { zoom: getViewport().zoom });
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 || !frame.current) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const box = e.currentTarget.getBoundingClientRect();
    const p = mapToFlow(frame.current, e.clientX - box.left, e.clientY - box.top);
    const { transform, width, height } = store.getState();
    const view = visibleFlowRect(transform, width, height);
    const inside = contains(view, p);
    // The map's scale stays as it was while dragging, though the view it frames moves.
    grab.current = {
      frame: frame.current,
      dx: inside ? p.x - (view.x + view.width / 2) : 0,
      dy: inside ? p.y - (view.y + view.height / 2) : 0,
    };
    moveTo(e, grab.current);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (grab.current) moveTo(e, grab.current);
  };
  const release = () => {
    grab.current = null;
  };

  return (
    <Panel position="bottom-right" className="canvas-minimap-panel">
      <canvas
        ref={canvas}
        className="canvas-minimap"
        data-testid="canvas-minimap"
        title="Overview: click or drag to move the view, scroll to zoom"
        aria-label="Overview of the pipeline"
        role="img"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={release}
        onPointerCancel={release}
      />
    </Panel>
  );
}

interface Colours {
  readonly background: string;
  readonly mask: string;
  readonly view: string;
  readonly selected: string;
}

function themeColours(element: HTMLElement): Colours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--minimap-bg', '#ffffff'),
    mask: read('--minimap-mask', 'rgb(240 240 240 / 60%)'),
    view: read('--minimap-view', '#9aa3af'),
    selected: read('--accent', '#2563eb'),
  };
}

/** Draws the map and returns how it is framed, for turning clicks back into flow positions. */
function drawMap(element: HTMLCanvasElement, s: ReactFlowState, nodeColor: (node: Node) => string, colours: Colours): MapFrame {
  const ratio = window.devicePixelRatio || 1;
  if (element.width !== WIDTH * ratio) {
    element.width = WIDTH * ratio;
    element.height = HEIGHT * ratio;
  }
  const view = visibleFlowRect(s.transform, s.width || 1, s.height || 1);
  let content: Rect | null = null;
  const shown: { node: InternalNode; rect: Rect }[] = [];
  for (const node of s.nodeLookup.values()) {
    if (node.hidden) continue;
    const rect = nodeRect(node);
    shown.push({ node, rect });
    content = unionRect(content, rect);
  }
  const frame = mapFrame(unionRect(content, view), { width: WIDTH, height: HEIGHT });
  const ctx = element.getContext('2d');
  if (!ctx) return frame;

  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = colours.background;
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  for (const { node, rect } of shown) {
    const r = flowToMap(frame, rect);
    const width = Math.max(1, r.width);
    const height = Math.max(1, r.height);
    ctx.fillStyle = nodeColor(node);
    ctx.fillRect(r.x, r.y, width, height);
    if (node.selected) {
      ctx.strokeStyle = colours.selected;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(r.x, r.y, width, height);
    }
  }
  // Everything off screen is dimmed; the view's rectangle stays clear and outlined.
  const v = flowToMap(frame, view);
  ctx.beginPath();
  ctx.rect(0, 0, WIDTH, HEIGHT);
  ctx.rect(v.x, v.y, v.width, v.height);
  ctx.fillStyle = colours.mask;
  ctx.fill('evenodd');
  ctx.strokeStyle = colours.view;
  ctx.lineWidth = 1;
  ctx.strokeRect(v.x + 0.5, v.y + 0.5, v.width - 1, v.height - 1);
  return frame;
}

function nodeRect(node: InternalNode): Rect {
  const { x, y } = node.internals.positionAbsolute;
  return { x, y, width: node.measured.width ?? node.width ?? 0, height: node.measured.height ?? node.height ?? 0 };
}
