import { createContext } from 'react';

/** Below this zoom the small print of nodes (ports' names and types, timings) is too small to read. */
export const LOW_DETAIL_ZOOM = 0.45;

/**
 * True while the canvas is zoomed out below LOW_DETAIL_ZOOM: nodes then leave out the text nobody
 * can read there, which makes each node scrolled into view during a pan cheaper to draw. Their
 * size and handles stay exactly where they were, so nothing is re-measured when the level changes.
 */
export const LowDetail = createContext(false);
