/**
 * feature.transform as graph nodes, with the replay's arithmetic (transformValue in
 * src-shared/transforms/transform.ts): log1p as ln(1 + x), sqrt, Yeo-Johnson with each column's
 * lambda (the branch on lambda is taken here, the one on the sign of x in the graph), then the
 * standardization. A negative value under log1p/sqrt, which the replay refuses, becomes NaN.
 */
import { SPACING_1, type TransformColumnState, type TransformMethod } from '../../../src-shared/transforms/transform.js';
import { nanWhere, OnnxExportError, replaceColumns, scalar, stateColumns, type Columns, type StepConverter } from '../columns.js';
import type { GraphBuilder } from '../graph-builder.js';

export const convertTransform: StepConverter = (g, step, columns) => {
  const method = step.state.method as TransformMethod;
  const standardize = step.state.standardize === true;
  if (method !== 'log1p' && method !== 'sqrt' && method !== 'yeo-johnson') throw new OnnxExportError(`node ${step.node}: unknown transform ${JSON.stringify(method)}`);
  const replace = new Map<string, Columns>();
  for (const c of stateColumns<TransformColumnState>(step)) {
    const col = columns.get(c.name);
    if (!col) continue;
    const x = col.value;
    let y: string;
    if (method === 'log1p' || method === 'sqrt') {
      const negative = g.op('Less', [x, scalar(g, 'zero', 0)]);
      y = nanWhere(g, negative, method === 'log1p' ? g.op('Log', [g.op('Add', [scalar(g, 'one', 1), x])]) : g.op('Sqrt', [x]));
    } else {
      if (typeof c.lambda !== 'number') throw new OnnxExportError(`node ${step.node}: column "${c.name}" has no fitted lambda`);
      y = yeoJohnson(g, x, c.lambda);
      if (standardize) {
        if (typeof c.mean !== 'number' || typeof c.scale !== 'number') throw new OnnxExportError(`node ${step.node}: column "${c.name}" lacks its mean and scale`);
        y = g.op('Div', [g.op('Sub', [y, scalar(g, 'mean', c.mean)]), scalar(g, 'scale', c.scale)]);
      }
    }
    replace.set(c.name, new Map([[c.name, { value: y, kind: 'number' }]]));
  }
  return replaceColumns(columns, replace);
};

/** yeoJohnson(x, lambda) of transform.ts; NaN (missing) takes the negative branch and stays NaN. */
function yeoJohnson(g: GraphBuilder, x: string, lambda: number): string {
  const one = scalar(g, 'one', 1);
  let positive: string;
  const xp1 = g.op('Add', [x, one]);
  if (Math.abs(lambda) < SPACING_1) positive = g.op('Log', [xp1]);
  else positive = g.op('Div', [g.op('Sub', [g.op('Pow', [xp1, scalar(g, 'lambda', lambda)]), one]), scalar(g, 'lambda', lambda)]);
  const oneMinusX = g.op('Sub', [one, x]);
  let negative: string;
  if (Math.abs(lambda - 2) > SPACING_1) {
    const p = 2 - lambda;
    negative = g.op('Neg', [g.op('Div', [g.op('Sub', [g.op('Pow', [oneMinusX, scalar(g, 'two_minus_lambda', p)]), one]), scalar(g, 'two_minus_lambda', p)])]);
  } else {
    negative = g.op('Neg', [g.op('Log', [oneMinusX])]);
  }
  return g.op('Where', [g.op('GreaterOrEqual', [x, scalar(g, 'zero', 0)]), positive, negative]);
}
