import { memo, useMemo, type KeyboardEvent } from 'react';
import { formatExprError, formatExprErrorWithCaret } from '../../../src-shared/expr/index.js';
import type { ColumnSchema, NodeSpec, ParamSpec, ParamValues, SchemaMap } from '../../../src-shared/nodes/spec.js';
import type { Problem } from '../../../src-shared/problems.js';
import { useActions } from '../../app/context.js';
import { inputSchemaMap, type KnownInput } from './input-schemas.js';
import { checkDraft, rangeText, type DraftCheck } from './param-check.js';
import { paramToText } from './param-text.js';
import { useDraft } from './use-draft.js';

interface Props {
  readonly nodeId: string;
  readonly spec: NodeSpec;
  readonly params: ParamValues;
  readonly problems: readonly Problem[];
  /** The columns known at each table input, for column pickers and checks as you type. */
  readonly inputs: Readonly<Record<string, KnownInput>>;
}

/** A form generated from the spec's params: the spec is the single source of what to ask. */
export function ParamForm({ nodeId, spec, params, problems, inputs }: Props) {
  const { setParam } = useActions();
  const schemas = useMemo(() => inputSchemaMap(inputs), [inputs]);
  if (spec.params.length === 0) return <p className="hint">This node has no parameters.</p>;
  return (
    <div className="param-form">
      {spec.params.map((p) => (
        <ParamField
          key={p.name}
          nodeId={nodeId}
          nodeSpec={spec}
          spec={p}
          params={params}
          schemas={schemas}
          known={p.kind === 'column' || p.kind === 'columns' ? inputs[p.port] : undefined}
          problems={problems.filter((pr) => pr.field === p.name).map((pr) => pr.message)}
          onChange={setParam}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  readonly nodeId: string;
  readonly nodeSpec: NodeSpec;
  readonly spec: ParamSpec;
  readonly params: ParamValues;
  readonly schemas: SchemaMap;
  readonly known: KnownInput | undefined;
  /** The stored value's problems, from the graph check. */
  readonly problems: readonly string[];
  readonly onChange: (nodeId: string, param: string, value: unknown) => void;
}

/** Memoised: typing in one field re-renders that field only, even on a 500-node pipeline. */
const ParamField = memo(function ParamField({ nodeId, nodeSpec, spec, params, schemas, known, problems, onChange }: FieldProps) {
  const id = `param-${nodeId}-${spec.name}`;
  const stored = paramToText(spec, params[spec.name]);
  const { draft, setDraft, editing } = useDraft(stored);
  const textual = spec.kind !== 'boolean' && spec.kind !== 'enum' && !(spec.kind === 'column' && known);
  // While typing, the draft's own problems; otherwise what the graph check says of the stored value.
  const check: DraftCheck | null = useMemo(
    () => (textual ? checkDraft(nodeSpec, spec, params, draft, schemas) : null),
    [textual, nodeSpec, spec, params, draft, schemas],
  );
  const shown = editing && check ? check.problems : problems;
  const exprErrors = check?.exprErrors ?? [];
  const exprMessages = new Set(exprErrors.map((e) => formatExprError(e, spec.name)));
  const messages = shown.filter((m) => !exprMessages.has(m));
  const invalid = shown.length > 0 || exprErrors.length > 0;
  const commit = (value: unknown): void => onChange(nodeId, spec.name, value);
  const commitDraft = (): void => {
    if (draft !== stored) commit(check ? check.value : draft);
  };
  const keys = (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && (e.currentTarget.tagName === 'INPUT' || e.ctrlKey || e.metaKey)) commitDraft();
    if (e.key === 'Escape') setDraft(stored);
  };
  const text = { id, draft, setDraft, invalid, onCommit: commitDraft, onKeyDown: keys };

  return (
    <div className={`field${invalid ? ' invalid' : ''}`} data-testid={`param-${spec.name}`}>
      {spec.kind === 'boolean' ? (
        <label className="field-check" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={params[spec.name] === undefined ? spec.default : params[spec.name] === true}
            onChange={(e) => commit(e.target.checked)}
          />
          <span className="field-label">{spec.label}</span>
        </label>
      ) : (
        <label className="field-label" htmlFor={id}>
          {spec.label}
          {spec.required && <span className="required"> *</span>}
          {spec.kind === 'number' && rangeText(spec) && <span className="field-range"> ({rangeText(spec)})</span>}
        </label>
      )}
      {spec.kind === 'enum' && (
        <select id={id} value={typeof params[spec.name] === 'string' ? String(params[spec.name]) : spec.default} aria-invalid={invalid} onChange={(e) => commit(e.target.value)}>
          {spec.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
      {spec.kind === 'column' && known && (
        <ColumnSelect id={id} value={params[spec.name]} columns={known.columns} required={spec.required === true} invalid={invalid} onChange={commit} />
      )}
      {spec.kind === 'column' && !known && <TextInput {...text} placeholder="a column name (known once the input is connected or has run)" />}
      {spec.kind === 'columns' && (
        <ColumnsPicker text={text} value={params[spec.name]} fallback={spec.default} known={known} onChange={commit} />
      )}
      {spec.kind === 'json' && (
        <textarea
          id={id}
          spellCheck={false}
          rows={Math.min(16, Math.max(4, draft.split('\n').length))}
          value={draft}
          aria-invalid={invalid}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitDraft}
          onKeyDown={keys}
        />
      )}
      {(spec.kind === 'string' || spec.kind === 'path' || spec.kind === 'stringList' || spec.kind === 'number') && (
        <TextInput
          {...text}
          placeholder={placeholderOf(spec)}
          inputMode={spec.kind === 'number' ? 'decimal' : undefined}
          className={spec.kind === 'string' && spec.syntax === 'expression' ? 'expr-input' : undefined}
        />
      )}
      {spec.description && <p className="field-help">{spec.description}</p>}
      {exprErrors.map((e, i) => (
        <pre key={`x${i}`} className="field-error expr-error" role="alert" data-testid={`param-error-${spec.name}`}>
          {formatExprErrorWithCaret(draft, e, spec.name)}
        </pre>
      ))}
      {messages.map((m, i) => (
        <p key={i} className="field-error" role="alert" data-testid={`param-error-${spec.name}`}>
          {m}
        </p>
      ))}
      {spec.kind === 'json' && editing && <p className="field-help">Ctrl+Enter or leaving the field applies it; Escape undoes the typing.</p>}
    </div>
  );
});

interface TextProps {
  readonly id: string;
  readonly draft: string;
  readonly setDraft: (text: string) => void;
  readonly invalid: boolean;
  readonly onCommit: () => void;
  readonly onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
  readonly placeholder?: string;
  readonly inputMode?: 'decimal';
  readonly className?: string;
}

function TextInput({ id, draft, setDraft, invalid, onCommit, onKeyDown, placeholder, inputMode, className }: TextProps) {
  return (
    <input
      id={id}
      type="text"
      spellCheck={false}
      autoComplete="off"
      className={className}
      value={draft}
      placeholder={placeholder}
      inputMode={inputMode}
      aria-invalid={invalid}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={onCommit}
      onKeyDown={onKeyDown}
    />
  );
}

interface ColumnSelectProps {
  readonly id: string;
  readonly value: unknown;
  readonly columns: readonly ColumnSchema[];
  readonly required: boolean;
  readonly invalid: boolean;
  readonly onChange: (value: unknown) => void;
}

/** One column of the input, picked from the columns inferSchema (or the last run) knows. */
function ColumnSelect({ id, value, columns, required, invalid, onChange }: ColumnSelectProps) {
  const current = typeof value === 'string' ? value : '';
  const missing = current !== '' && !columns.some((c) => c.name === current);
  return (
    <select id={id} value={current} aria-invalid={invalid} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
      <option value="">{required ? 'Choose a column…' : '(none)'}</option>
      {missing && <option value={current}>{current} (not in the input)</option>}
      {columns.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name} · {c.type}
        </option>
      ))}
    </select>
  );
}

interface ColumnsPickerProps {
  readonly text: TextProps;
  readonly value: unknown;
  readonly fallback: readonly string[] | undefined;
  readonly known: KnownInput | undefined;
  readonly onChange: (value: unknown) => void;
}

/**
 * Several columns: typed as a comma-separated list, or toggled one by one from the input's
 * known columns. None chosen means "all columns".
 */
function ColumnsPicker({ text, value, fallback, known, onChange }: ColumnsPickerProps) {
  const chosen = Array.isArray(value) ? value.map(String) : [...(fallback ?? [])];
  const toggle = (name: string): void => {
    const set = new Set(chosen.includes(name) ? chosen.filter((c) => c !== name) : [...chosen, name]);
    // Kept in the input's order, so the stored list does not depend on the order of the clicks.
    const ordered = known ? known.columns.map((c) => c.name).filter((c) => set.has(c)) : [];
    onChange([...ordered, ...[...set].filter((c) => !ordered.includes(c))]);
  };
  return (
    <>
      <TextInput {...text} placeholder="all columns (or a comma-separated list)" />
      {known ? (
        <div className="column-chips" role="group" aria-label="Columns of the input">
          <span className="column-chips-count">
            {chosen.length === 0 ? `all ${known.columns.length} columns` : `${chosen.length} of ${known.columns.length}`}
            {known.source === 'last run' && ' · from the last run'}
          </span>
          {known.columns.map((c) => (
            <button
              key={c.name}
              type="button"
              className={chosen.includes(c.name) ? 'column-chip on' : 'column-chip'}
              aria-pressed={chosen.includes(c.name)}
              title={c.type}
              data-testid={`column-chip-${c.name}`}
              onClick={() => toggle(c.name)}
            >
              {c.name}
            </button>
          ))}
          {chosen.length > 0 && (
            <button type="button" className="column-chip clear" onClick={() => onChange([])}>
              all
            </button>
          )}
        </div>
      ) : (
        <p className="field-help">The input&apos;s columns are listed here once it is connected (a file source: once it has run).</p>
      )}
    </>
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
    default:
      return undefined;
  }
}
