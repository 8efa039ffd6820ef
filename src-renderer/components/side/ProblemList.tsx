import type { Problem } from '../../../src-shared/problems.js';

export function ProblemList({ problems, showNode = false }: { problems: readonly Problem[]; showNode?: boolean }) {
  return (
    <ul className="problem-list" data-testid="problem-list">
      {problems.map((p, i) => (
        <li key={i} className={`problem problem-${p.severity}`}>
          <span className="problem-severity">{p.severity}</span>
          <span>
            {showNode && p.nodeId && <code>{p.nodeId}</code>} {p.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
