import type { OnnxSignature, OnnxValueInfo, PlumbInputColumn } from '../../src-shared/api/contract.js';

/**
 * The form of a Plumb model: one field per raw column of `plumb.inputs`. What the user typed is
 * kept as text (a half-typed "-1." must survive a re-render); it becomes a typed row only when
 * a prediction is asked for, and every field that cannot is named.
 */
export interface FieldValue {
  readonly text: string;
  /** Send a missing value (offered only where the model's chain imputes one). */
  readonly missing: boolean;
}

export type FieldKind = 'number' | 'category' | 'boolean' | 'text';

export type RowValue = number | string | boolean | null;
export type FormRow = Record<string, RowValue>;

export type FormResult = { readonly ok: true; readonly row: FormRow } | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** Categories win over the column's type: a numeric code with known levels is still a choice. */
export function fieldKind(column: PlumbInputColumn): FieldKind {
  if (column.categories && column.categories.length > 0) return 'category';
  if (column.type === 'boolean') return 'boolean';
  return column.type;
}

export type Category = NonNullable<PlumbInputColumn['categories']>[number];

/** A null category is the encoder's "missing" level; no typed text can collide with this one. */
export const MISSING_CATEGORY = '\u0000missing';

/** The text a select option carries for a category (numbers and booleans as JSON spells them). */
export const categoryText = (value: Category): string => (value === null ? MISSING_CATEGORY : String(value));

/** What a select option shows for a category. */
export const categoryLabel = (value: Category): string => (value === null ? '(missing)' : String(value));

/** A field's starting value: 0, the first category, false, or empty text, like the tensor editor's zeros. */
export function initialFieldValue(column: PlumbInputColumn): FieldValue {
  switch (fieldKind(column)) {
    case 'number':
      return { text: '0', missing: false };
    case 'category': {
      const first = column.categories!.find((c) => c !== null) ?? null;
      return { text: categoryText(first), missing: false };
    }
    case 'boolean':
      return { text: 'false', missing: false };
    case 'text':
      return { text: '', missing: false };
  }
}

/**
 * The columns the form shows: those of the first model, then any the second one needs that the
 * first does not (side by side, both read the same values). A column seen twice keeps the first
 * model's description, but is imputed only if both models impute it.
 */
export function formColumns(...models: readonly (readonly PlumbInputColumn[] | null | undefined)[]): PlumbInputColumn[] {
  const byName = new Map<string, PlumbInputColumn>();
  for (const inputs of models) {
    if (!inputs) continue;
    for (const column of inputs) {
      const seen = byName.get(column.name);
      if (!seen) byName.set(column.name, column);
      else if (seen.imputed && !column.imputed) byName.set(column.name, { ...seen, imputed: false });
    }
  }
  return [...byName.values()];
}

/** Keeps what the user typed for columns already known, and starts the new ones from their initial value. */
export function mergeFormValues(
  columns: readonly PlumbInputColumn[],
  current: Readonly<Record<string, FieldValue>>,
): Record<string, FieldValue> {
  const next: Record<string, FieldValue> = { ...current };
  for (const column of columns) {
    const value = next[column.name];
    if (!value) next[column.name] = initialFieldValue(column);
    else if (value.missing && !column.imputed) next[column.name] = { ...value, missing: false };
  }
  return next;
}

/** One column's typed value, or the sentence that says why it has none. */
export function readField(column: PlumbInputColumn, value: FieldValue | undefined): { value: RowValue } | { error: string } {
  const v = value ?? initialFieldValue(column);
  if (v.missing) {
    return column.imputed ? { value: null } : { error: `${column.name}: this model cannot fill in a missing value; give one` };
  }
  const text = v.text.trim();
  switch (fieldKind(column)) {
    case 'number': {
      if (text === '') return column.imputed ? { value: null } : { error: `${column.name}: enter a number` };
      // Number('') and Number(' ') are 0, and Number('0x10') is 16: accept plain decimals only.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { error: `${column.name}: "${v.text}" is not a number` };
      return { value: Number(text) };
    }
    case 'category': {
      const match = column.categories!.find((c) => categoryText(c) === v.text);
      if (match === undefined) {
        return { error: `${column.name}: "${v.text}" is not one of ${column.categories!.map(categoryLabel).join(', ')}` };
      }
      return { value: match };
    }
    case 'boolean':
      if (text === 'true') return { value: true };
      if (text === 'false') return { value: false };
      return { error: `${column.name}: choose true or false` };
    case 'text':
      return { value: v.text === '' && column.imputed ? null : v.text };
  }
}

/** The row a model is sent: every one of its columns, or the errors of those that cannot be read. */
export function formRow(columns: readonly PlumbInputColumn[], values: Readonly<Record<string, FieldValue>>): FormResult {
  const row: FormRow = {};
  const errors: Record<string, string> = {};
  for (const column of columns) {
    const read = readField(column, values[column.name]);
    if ('error' in read) errors[column.name] = read.error;
    else row[column.name] = read.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, row };
}

/**
 * What the playground asks for, given the loaded models: the form's columns (every Plumb
 * model's, merged) and the tensor editor's inputs (every foreign model's, once per name).
 */
export function modelInputs(signatures: readonly (OnnxSignature | null)[]): { columns: PlumbInputColumn[]; tensors: OnnxValueInfo[] } {
  const loaded = signatures.filter((x): x is OnnxSignature => x !== null);
  const seen = new Set<string>();
  const tensors: OnnxValueInfo[] = [];
  for (const sig of loaded) {
    if (sig.plumb) continue;
    for (const input of sig.inputs) {
      if (seen.has(input.name)) continue;
      seen.add(input.name);
      tensors.push(input);
    }
  }
  return { columns: formColumns(...loaded.map((sig) => sig.plumb?.inputs)), tensors };
}
