import type { PlumbInputColumn } from '../../../src-shared/api/contract.js';
import { categoryLabel, categoryText, fieldKind, initialFieldValue, readField, type FieldValue } from '../../playground/form.js';

interface Props {
  readonly columns: readonly PlumbInputColumn[];
  readonly values: Readonly<Record<string, FieldValue>>;
  readonly onChange: (column: string, value: FieldValue) => void;
}

/** The form of a Plumb model, generated from `plumb.inputs`: one field per raw column. */
export function RowForm({ columns, values, onChange }: Props) {
  return (
    <div className="row-form" data-testid="playground-form">
      {columns.map((column) => (
        <Field
          key={column.name}
          column={column}
          value={values[column.name] ?? initialFieldValue(column)}
          onChange={(v) => onChange(column.name, v)}
        />
      ))}
    </div>
  );
}

function Field({ column, value, onChange }: { column: PlumbInputColumn; value: FieldValue; onChange: (v: FieldValue) => void }) {
  const id = `pg-field-${column.name}`;
  const read = readField(column, value);
  const error = 'error' in read ? read.error : null;
  const kind = fieldKind(column);
  const disabled = value.missing;
  return (
    <div className={`field pg-field${error ? ' invalid' : ''}`} data-testid={`pg-field-${column.name}`}>
      <label className="field-label" htmlFor={id}>
        {column.name}
        <span className="pg-field-type">{kind === 'category' ? `${column.type}, ${column.categories!.length} values` : column.type}</span>
      </label>
      {kind === 'category' || kind === 'boolean' ? (
        <select id={id} value={value.text} disabled={disabled} onChange={(e) => onChange({ ...value, text: e.target.value })}>
          {kind === 'boolean' ? (
            <>
              <option value="false">false</option>
              <option value="true">true</option>
            </>
          ) : (
            column.categories!.map((c) => (
              <option key={categoryText(c)} value={categoryText(c)}>
                {categoryLabel(c)}
              </option>
            ))
          )}
        </select>
      ) : (
        <input
          id={id}
          type="text"
          inputMode={kind === 'number' ? 'decimal' : 'text'}
          spellCheck={false}
          value={value.text}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, text: e.target.value })}
        />
      )}
      {column.imputed && (
        <label className="field-check pg-missing">
          <input
            type="checkbox"
            data-testid={`pg-missing-${column.name}`}
            checked={value.missing}
            onChange={(e) => onChange({ ...value, missing: e.target.checked })}
          />
          missing (the model imputes it)
        </label>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
