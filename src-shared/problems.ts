/**
 * A problem found in a pipeline: what is wrong and where, so the canvas can put it on the node
 * and the CLI can print it on one line.
 */
export interface Problem {
  readonly severity: 'error' | 'warning';
  /** Stable, machine-readable: e.g. `cycle`, `unknown-node-type`, `dangling-edge`. */
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly edgeId?: string;
  /** The param or document path concerned, e.g. `path` or `nodes[2].position.x`. */
  readonly field?: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.nodeId && `node ${p.nodeId}`, p.edgeId && `edge ${p.edgeId}`, p.field && `field ${p.field}`]
    .filter(Boolean)
    .join(', ');
  return `${p.severity}: ${where ? `${where}: ` : ''}${p.message} [${p.code}]`;
}

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');
