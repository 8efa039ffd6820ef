import type { NodeCategory, PortType } from '../../src-shared/nodes/spec.js';

/** Port colors also tell which wires fit: only same-colored handles connect. */
export const PORT_COLORS: Record<PortType, string> = { table: '#2f7fd1', model: '#8b5cf6', report: '#d9822b' };

export const CATEGORY_COLORS: Record<NodeCategory, string> = {
  ingestion: '#2f7fd1',
  validation: '#d9822b',
  feature: '#2a9d8f',
  training: '#8b5cf6',
  evaluation: '#c2417a',
  deploy: '#4b5563',
  monitoring: '#b45309',
};
