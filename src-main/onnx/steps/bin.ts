/**
 * feature.bin as graph nodes: the bin is the number of inner edges at or below the value (binOf
 * in src-shared/transforms/bin.ts), counted with Less/Not over the edges; a missing value (NaN)
 * stays missing, where the replay keeps a null as null.
 */
import type { BinColumnState } from '../../../src-shared/transforms/bin.js';
import { boolToDouble, nanWhere, replaceColumns, scalar, stateColumns, type Columns, type StepConverter } from '../columns.js';

export const convertBin: StepConverter = (g, step, columns) => {
  const replace = new Map<string, Columns>();
  for (const c of stateColumns<BinColumnState>(step)) {
    const col = columns.get(c.name);
    if (!col) continue;
    const inner = c.edges.slice(1, -1);
    let bins: string;
    if (inner.length === 0) {
      bins = g.op('Mul', [col.value, scalar(g, 'zero', 0)]); // bin 0, NaN where missing
    } else {
      const below = g.op('Less', [col.value, g.doubles(`edges_${c.name}`, inner, [1, inner.length])]);
      const count = g.op('ReduceSum', [boolToDouble(g, g.op('Not', [below])), g.int64s('axis1', [1])], { keepdims: { i: 1 } });
      bins = nanWhere(g, g.op('IsNaN', [col.value]), count);
    }
    replace.set(c.name, new Map([[c.name, { value: bins, kind: 'number' }]]));
  }
  return replaceColumns(columns, replace);
};
