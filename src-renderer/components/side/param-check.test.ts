import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/index.js';
import { SAMPLE_DATASETS } from '../../../nodes/ingest-sample/spec.js';
import type { NodeSpec, ParamSpec, SchemaMap } from '../../../src-shared/nodes/spec.js';
import { checkDraft, rangeText } from './param-check.js';

// The real telco_churn sample's columns, as inferSchema hands them to the node downstream.
const telco: SchemaMap = { in: { kind: 'table', columns: SAMPLE_DATASETS.telco_churn.columns } };
const spec = (type: string): NodeSpec => catalogue.latest(type)!;
const param = (s: NodeSpec, name: string): ParamSpec => s.params.find((p) => p.name === name)!;

describe('checking a param as it is typed', () => {
  it('points at an unknown column in an expression, with the closest real one', () => {
    const derive = spec('feature.derive');
    const check = checkDraft(derive, param(derive, 'expression'), { name: 'per_month' }, 'total_charges / tenur', telco);
    expect(check.value).toBe('total_charges / tenur');
    expect(check.exprErrors).toHaveLength(1);
    expect(check.exprErrors[0]).toMatchObject({ position: 17, length: 5 });
    expect(check.exprErrors[0].message).toContain('did you mean "tenure"');
    expect(check.problems.join('\n')).toContain('expression:1:17');
  });

  it('reports a syntax error before the columns are known, and nothing once the text is right', () => {
    const derive = spec('feature.derive');
    const broken = checkDraft(derive, param(derive, 'expression'), { name: 'x' }, 'tenure * (2 +', {});
    expect(broken.exprErrors.length).toBeGreaterThan(0);
    const fixed = checkDraft(derive, param(derive, 'expression'), { name: 'x' }, 'tenure * (2 + monthly_charges)', telco);
    expect(fixed).toEqual({ value: 'tenure * (2 + monthly_charges)', problems: [], exprErrors: [] });
  });

  it("says when a filter's condition is not true/false, as the node will", () => {
    const filter = spec('feature.filter');
    const check = checkDraft(filter, param(filter, 'expression'), {}, 'tenure + 1', telco);
    expect(check.exprErrors).toEqual([]);
    expect(check.problems).toEqual([expect.stringContaining('not true/false')]);
  });

  it('checks numbers against their range and kind, and an empty field falls back to the default', () => {
    const lr = spec('train.logistic_regression');
    const maxIter = param(lr, 'max_iter');
    expect(checkDraft(lr, maxIter, { target: 'churn' }, '0', telco).problems).toEqual(['Max iterations must be at least 1']);
    expect(checkDraft(lr, maxIter, { target: 'churn' }, '2.5', telco).problems).toEqual(['Max iterations must be a whole number']);
    expect(checkDraft(lr, maxIter, { target: 'churn' }, 'lots', telco).problems).toHaveLength(1);
    expect(checkDraft(lr, maxIter, { target: 'churn' }, '', telco)).toMatchObject({ value: undefined, problems: [] });
    expect(rangeText(maxIter as Extract<ParamSpec, { kind: 'number' }>)).toBe('1 to 100000, whole number');
  });

  it('names a listed column the input does not have', () => {
    const impute = spec('feature.impute');
    const check = checkDraft(impute, param(impute, 'columns'), {}, 'total_charges, totl', telco);
    expect(check.value).toEqual(['total_charges', 'totl']);
    expect(check.problems.join('\n')).toContain('totl');
  });
});
