/**
 * feature.scale as graph nodes, with the replay's operations in its order (scaleValue in
 * src-shared/transforms/scale.ts): `(x - center) / scale`, or `x * scale + min` for minmax, in
 * double. ai.onnx.ml Scaler would compute `(x - offset) * scale` in float32.
 */
import type { ScaleColumnState, ScaleMethod } from '../../../src-shared/transforms/scale.js';
import { OnnxExportError, replaceColumns, scalar, stateColumns, type Columns, type StepConverter } from '../columns.js';

export const convertScale: StepConverter = (g, step, columns) => {
  const method = step.state.method as ScaleMethod;
  if (method !== 'standard' && method !== 'minmax' && method !== 'robust') throw new OnnxExportError(`node ${step.node}: unknown scaling method ${JSON.stringify(method)}`);
  const replace = new Map<string, Columns>();
  for (const c of stateColumns<ScaleColumnState>(step)) {
    const col = columns.get(c.name);
    if (!col) continue;
    let y = col.value;
    if (method === 'minmax') {
      if (typeof c.scale !== 'number' || typeof c.min !== 'number') throw new OnnxExportError(`node ${step.node}: column "${c.name}" lacks its minmax scale and min`);
      y = g.op('Add', [g.op('Mul', [y, scalar(g, `scale_${c.name}`, c.scale)]), scalar(g, `min_${c.name}`, c.min)]);
    } else {
      if (c.center !== null) y = g.op('Sub', [y, scalar(g, `center_${c.name}`, c.center)]);
      if (c.scale !== null) y = g.op('Div', [y, scalar(g, `scale_${c.name}`, c.scale)]);
    }
    replace.set(c.name, new Map([[c.name, { value: y, kind: 'number' }]]));
  }
  return replaceColumns(columns, replace);
};
