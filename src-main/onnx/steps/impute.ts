/**
 * feature.impute as graph nodes: a missing value (NaN, or '' for text) becomes the fitted fill
 * value, and `<col>_missing` (add_indicator) is 1 where it was missing. Standard Where/IsNaN in
 * double rather than ai.onnx.ml Imputer, which computes in float32 only.
 */
import type { ImputeColumnState } from '../../../src-shared/transforms/impute.js';
import { boolToDouble, missingMask, OnnxExportError, replaceColumns, scalar, stateColumns, type Columns, type StepConverter } from '../columns.js';
import { tensor } from '../graph-builder.js';

export const convertImpute: StepConverter = (g, step, columns) => {
  const replace = new Map<string, Columns>();
  for (const c of stateColumns<ImputeColumnState>(step)) {
    const col = columns.get(c.name);
    if (!col) continue;
    const missing = missingMask(g, col);
    let fill: string;
    if (c.kind === 'text' && typeof c.fill === 'string') {
      if (c.fill === '') throw new OnnxExportError(`node ${step.node}: column "${c.name}" is filled with the empty string, which the exported model reads as a missing value`);
      fill = g.constant(`fill_${c.name}`, tensor.string([c.fill], []));
    } else if (c.kind === 'number' && typeof c.fill === 'number') {
      fill = scalar(g, `fill_${c.name}`, c.fill);
    } else if (c.kind === 'boolean' && typeof c.fill === 'boolean') {
      fill = scalar(g, `fill_${c.name}`, c.fill ? 1 : 0);
    } else {
      throw new OnnxExportError(`node ${step.node}: column "${c.name}" (${c.kind}) has a fill value of another kind (${JSON.stringify(c.fill)})`);
    }
    const entries: Columns = new Map([[c.name, { value: g.op('Where', [missing, fill, col.value], {}, { hint: `imputed_${c.name}` }), kind: c.kind }]]);
    replace.set(c.name, entries);
    if (c.indicator) entries.set(c.indicator, { value: boolToDouble(g, missing), kind: 'boolean' });
  }
  // The indicators go at the end of the row in the replay; where they sit here does not matter (features are taken by name).
  return replaceColumns(columns, replace);
};
