import { describe, expect, it } from 'vitest';
import { OnnxSignature, type PlumbInputColumn } from '../../src-shared/api/contract.js';
import telco from './fixtures/telco-churn-model.json' with { type: 'json' };
import { fieldKind, formColumns, formRow, initialFieldValue, mergeFormValues, MISSING_CATEGORY, modelInputs, readField, type FieldValue } from './form.js';

// The signature onnxruntime read from the ONNX export of examples/telco-churn-deploy.plumb.
const signature = OnnxSignature.parse(telco.signature);
const columns = signature.plumb!.inputs;
const column = (name: string): PlumbInputColumn => columns.find((c) => c.name === name)!;
const text = (t: string): FieldValue => ({ text: t, missing: false });

describe('the form of a Plumb model', () => {
  it('has a field per raw column of the telco export: numbers, and categories as choices', () => {
    expect(columns.map((c) => c.name)).toEqual(Object.keys(telco.row));
    expect(fieldKind(column('tenure'))).toBe('number');
    expect(fieldKind(column('contract'))).toBe('category');
    expect(column('contract').categories).toEqual(['Month-to-month', 'One year', 'Two year']);
    expect(initialFieldValue(column('contract'))).toEqual(text('Month-to-month'));
    expect(initialFieldValue(column('tenure'))).toEqual(text('0'));
  });

  it('reads the recorded telco row back from what a user would type', () => {
    const values = Object.fromEntries(Object.entries(telco.row).map(([k, v]) => [k, text(String(v))]));
    expect(formRow(columns, values)).toEqual({ ok: true, row: telco.row });
  });

  it('names every field that cannot be read', () => {
    const values = mergeFormValues(columns, { tenure: text('ten'), monthly_charges: text(''), contract: text('Weekly') });
    const result = formRow(columns, values);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      tenure: 'tenure: "ten" is not a number',
      monthly_charges: 'monthly_charges: enter a number',
      contract: 'contract: "Weekly" is not one of Month-to-month, One year, Two year',
    });
  });

  it('accepts plain decimals only: no hex, no blanks read as 0', () => {
    const tenure = column('tenure');
    expect(readField(tenure, text(' 12.5 '))).toEqual({ value: 12.5 });
    expect(readField(tenure, text('-1e3'))).toEqual({ value: -1000 });
    expect(readField(tenure, text('0x10'))).toEqual({ error: 'tenure: "0x10" is not a number' });
    expect(readField(tenure, text(' '))).toEqual({ error: 'tenure: enter a number' });
  });

  it('sends a missing value only where the chain imputes it', () => {
    const imputed: PlumbInputColumn = { name: 'age', type: 'number', imputed: true };
    expect(readField(imputed, { text: '40', missing: true })).toEqual({ value: null });
    expect(readField(imputed, text(''))).toEqual({ value: null });
    expect(readField(column('tenure'), { text: '4', missing: true })).toEqual({
      error: 'tenure: this model cannot fill in a missing value; give one',
    });
  });

  it('offers the encoder’s "missing" level and sends it as null', () => {
    const col: PlumbInputColumn = { name: 'embarked', type: 'text', categories: ['C', 'Q', 'S', null] };
    expect(initialFieldValue(col)).toEqual(text('C'));
    expect(readField(col, text(MISSING_CATEGORY))).toEqual({ value: null });
    expect(readField({ name: 'n', type: 'number', categories: [1, 2] }, text('2'))).toEqual({ value: 2 });
  });

  it('merges two models’ columns, imputed only if both impute, and keeps typed values', () => {
    const a: PlumbInputColumn[] = [{ name: 'x', type: 'number', imputed: true }, { name: 'y', type: 'text' }];
    const b: PlumbInputColumn[] = [{ name: 'x', type: 'number' }, { name: 'z', type: 'boolean' }];
    const merged = formColumns(a, b);
    expect(merged).toEqual([{ name: 'x', type: 'number', imputed: false }, { name: 'y', type: 'text' }, { name: 'z', type: 'boolean' }]);
    const values = mergeFormValues(merged, { x: { text: '3', missing: true } });
    // x is no longer imputable by every model: its missing box is cleared, its text kept.
    expect(values).toEqual({ x: text('3'), y: text(''), z: text('false') });
  });

  it('asks for the Plumb columns of Plumb models and the tensors of foreign ones', () => {
    const foreign = OnnxSignature.parse({ ...telco.signature, plumb: null, inputs: [{ name: 'A', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false }] });
    const both = modelInputs([signature, foreign, null]);
    expect(both.columns).toHaveLength(19);
    expect(both.tensors.map((t) => t.name)).toEqual(['A']);
  });
});
