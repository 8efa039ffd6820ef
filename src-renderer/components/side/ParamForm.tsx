import type { NodeSpec, ParamSpec } from '../../../src-shared/nodes/spec.js';
import type { Problem } from '../../../src-shared/problems.js';
import { useActions } from '../../app/context.js';
import { DraftInput, DraftTextArea } from '../DraftInput.js';
import { paramToText, textToParam } from './param-text.js';

interface Props {
  readonly nodeId: string;
  readonly spec: NodeSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly problems: readonly Problem[];
}

/** A form generated from the spec's params: the spec is the single source of what to ask. */
export function ParamForm({ nodeId, spec, params, problems }: Props) {
  const { setParam } = useActions();
  if (spec.params.length === 0) return <p className="hint">This node has no parameters.</p>;
  return (
    <div className="param-form">
      {spec.params.map((p) => (
        <ParamField
          key={p.name}
          nodeId={nodeId}
          spec={p}
          value={params[p.name]}
          problems={problems.filter((pr) => pr.field === p.name).map((pr) => pr.message)}
          onChange={(value) => setParam(nodeId, p.name, value)}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  readonly nodeId: string;
  readonly spec: ParamSpec;
  readonly value: unknown;
  readonly problems: readonly string[];
  readonly onChange: (value: unknown) => void;
}

function ParamField({ nodeId, spec, value, problems, onChange }: FieldProps) {
  const id = `param-${nodeId}-${spec.name}`;
  const invalid = problems.length > 0;
  return (
    <div className={`field${invalid ? ' invalid' : ''}`} data-testid={`param-${spec.name}`}>
      {spec.kind === 'boolean' ? (
        <label className="field-check" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === undefined ? spec.default : value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span className="field-label">{spec.label}</span>
        </label>
      ) : (
        <>
          <label className="field-label" htmlFor={id}>
            {spec.label}
            {spec.required && <span className="required"> *</span>}
          </label>
          <ParamInput id={id} spec={spec} value={value} invalid={invalid} onChange={onChange} />
        </>
      )}
      {spec.description && <p className="field-help">{spec.description}</p>}
      {problems.map((m, i) => (
        <p key={i} className="field-error" role="alert">
          {m}
        </p>
      ))}
    </div>
  );
}

interface InputProps {
  readonly id: string;
  readonly spec: ParamSpec;
  readonly value: unknown;
  readonly invalid: boolean;
  readonly onChange: (value: unknown) => void;
}

function ParamInput({ id, spec, value, invalid, onChange }: InputProps) {
  if (spec.kind === 'enum') {
    const current = typeof value === 'string' ? value : spec.default;
    return (
      <select id={id} value={current} aria-invalid={invalid} onChange={(e) => onChange(e.target.value)}>
        {spec.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }
  if (spec.kind === 'json') {
    return <DraftTextArea id={id} value={paramToText(spec, value)} aria-invalid={invalid} onCommit={(text) => onChange(textToParam(spec, text))} />;
  }
  return (
    <DraftInput
      id={id}
      value={paramToText(spec, value)}
      placeholder={placeholderOf(spec)}
      inputMode={spec.kind === 'number' ? 'decimal' : undefined}
      aria-invalid={invalid}
      onCommit={(text) => onChange(textToParam(spec, text))}
    />
  );
}

function placeholderOf(spec: ParamSpec): string | undefined {
  switch (spec.kind) {
    case 'string':
      return spec.placeholder;
    case 'path':
      return spec.extensions?.join(', ');
    case 'stringList':
      return 'comma-separated';
    case 'columns':
      return 'all columns (or a comma-separated list)';
    default:
      return undefined;
  }
}
