/**
 * feature.encode as graph nodes. Each value is first turned into the position of its category
 * (a double, -1 when unknown): text through ai.onnx.ml LabelEncoder (the missing marker '' is
 * the null category), numbers and booleans by Equal against the categories. From the position:
 * - ordinal: the position itself; a missing value stays missing; an unknown one is -1 with
 *   handle_unknown "ignore";
 * - one-hot: one 0/1 column per category, then one shared by the infrequent categories; an
 *   unknown value gives all zeros with "ignore".
 * With handle_unknown "error", where the replay throws, the outputs are NaN, which marks the row
 * as refused (README.md).
 */
import type { Category, EncodeColumnState, EncodeState } from '../../../src-shared/transforms/encode.js';
import {
  boolToDouble,
  missingMask,
  nanWhere,
  OnnxExportError,
  replaceColumns,
  scalar,
  stateColumns,
  type Column,
  type Columns,
  type StepConverter,
} from '../columns.js';
import { DataType, ML_DOMAIN, type GraphBuilder } from '../graph-builder.js';

export const convertEncode: StepConverter = (g, step, columns) => {
  const state = step.state as unknown as EncodeState;
  if (state.method !== 'onehot' && state.method !== 'ordinal') throw new OnnxExportError(`node ${step.node}: unknown encoding ${JSON.stringify(state.method)}`);
  const replace = new Map<string, Columns>();
  for (const c of stateColumns<EncodeColumnState>(step)) {
    const col = columns.get(c.name);
    if (!col) continue;
    if (col.kind !== c.kind) throw new OnnxExportError(`node ${step.node}: column "${c.name}" reaches the encoder as ${col.kind}, it was fitted on ${c.kind}`);
    const all = state.method === 'onehot' ? [...c.categories, ...c.infrequent] : [...c.categories];
    const position = categoryPosition(g, step.node, c, col, all);
    const unknown = g.op('Equal', [position, scalar(g, 'minus_one', -1)], {}, { hint: `unknown_${c.name}` });
    const entries: Columns = new Map();
    if (!state.drop_original) entries.set(c.name, col);
    if (state.method === 'ordinal') {
      let code = position;
      if (state.handle_unknown !== 'ignore') code = nanWhere(g, unknown, code);
      code = nanWhere(g, missingMask(g, col), code);
      entries.set(c.outputs[0], { value: code, kind: 'number' });
    } else {
      if (c.outputs.length !== c.categories.length + (c.infrequent.length > 0 ? 1 : 0)) {
        throw new OnnxExportError(`node ${step.node}: column "${c.name}" has ${c.outputs.length} one-hot outputs for ${c.categories.length} categories`);
      }
      c.outputs.forEach((out, i) => {
        // The infrequent column is 1 for every position past the frequent categories.
        const hit = i < c.categories.length ? g.op('Equal', [position, scalar(g, `pos_${i}`, i)]) : g.op('GreaterOrEqual', [position, scalar(g, 'n_frequent', c.categories.length)]);
        let v = boolToDouble(g, hit);
        if (state.handle_unknown !== 'ignore') v = nanWhere(g, unknown, v);
        entries.set(out, { value: v, kind: 'number' });
      });
    }
    replace.set(c.name, entries);
  }
  return replaceColumns(columns, replace);
};

/** [N, 1] double: the index of the value in `categories`, -1 when it is not one of them. */
function categoryPosition(g: GraphBuilder, node: string, c: EncodeColumnState, col: Column, categories: readonly Category[]): string {
  if (c.kind === 'text') {
    const keys = categories.map((cat) => {
      if (cat === null) return '';
      if (typeof cat !== 'string') throw new OnnxExportError(`node ${node}: column "${c.name}" is text but has the category ${JSON.stringify(cat)}`);
      if (cat === '') throw new OnnxExportError(`node ${node}: column "${c.name}" has the empty text as a category, which the exported model reads as a missing value`);
      return cat;
    });
    const codes = g.op(
      'LabelEncoder',
      [col.value],
      { keys_strings: { strings: keys }, values_int64s: { ints: keys.map((_, i) => i) }, default_int64: { i: -1 } },
      { domain: ML_DOMAIN, hint: `codes_${c.name}` },
    );
    return g.op('Cast', [codes], { to: { i: DataType.DOUBLE } });
  }
  const numeric = categories.flatMap((cat, i) => {
    if (cat === null) return [];
    if (typeof cat === 'number') return [{ v: cat, i }];
    if (typeof cat === 'boolean') return [{ v: cat ? 1 : 0, i }];
    throw new OnnxExportError(`node ${node}: column "${c.name}" is ${c.kind} but has the category ${JSON.stringify(cat)}`);
  });
  let position: string;
  if (numeric.length === 0) {
    position = g.op('Sub', [g.op('Mul', [col.value, scalar(g, 'zero', 0)]), scalar(g, 'one', 1)]);
    position = g.op('Where', [g.op('IsNaN', [position]), scalar(g, 'minus_one', -1), position]);
  } else {
    // Categories are distinct, so at most one matches: the dot product with (index + 1) is the match's index + 1, or 0.
    const hits = boolToDouble(g, g.op('Equal', [col.value, g.doubles(`categories_${c.name}`, numeric.map((n) => n.v), [1, numeric.length])]));
    const plusOne = g.op('MatMul', [hits, g.doubles(`positions_${c.name}`, numeric.map((n) => n.i + 1), [numeric.length, 1])]);
    position = g.op('Sub', [plusOne, scalar(g, 'one', 1)]);
  }
  const nullAt = categories.indexOf(null);
  if (nullAt >= 0) position = g.op('Where', [g.op('IsNaN', [col.value]), scalar(g, 'null_position', nullAt), position]);
  return position;
}
