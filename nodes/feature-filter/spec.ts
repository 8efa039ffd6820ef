import { EXPRESSION_DOCS } from '../../src-shared/expr/docs.js';
import { compileParam } from '../../src-shared/expr/param.js';
import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const featureFilterSpec: NodeSpec = {
  type: 'feature.filter',
  version: 1,
  category: 'feature',
  title: 'Filter rows',
  summary: 'Keeps the rows where a condition is true and sends the others to the rejected output.',
  docs: [
    'Keeps the rows of the input where the condition is true, in their order; every other row goes',
    'to the `rejected` output, so the two outputs always add up to the input and nothing is dropped',
    'silently. The node logs how many rows it kept and removed.',
    '',
    '- **expression**: the condition, e.g. `contract = \'Month-to-month\' and tenure < 12`. A row',
    '  where the condition is null (unknown, such as `tenure < 12` on a row with no tenure) is not',
    '  kept: write `tenure < 12 or tenure is null` to keep those too. The log says how many rows',
    '  were removed because the condition was null.',
    '',
    'A filter is transparent to the preprocessing chain: its outputs carry the chain of its input',
    'unchanged, since serving applies the transforms to one row at a time and filters none.',
    '',
    EXPRESSION_DOCS,
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [
    { name: 'out', type: 'table', label: 'Kept rows' },
    { name: 'rejected', type: 'table', label: 'Removed rows', description: 'the rows where the condition is false or null' },
  ],
  params: [
    {
      name: 'expression',
      kind: 'string',
      syntax: 'expression',
      label: 'Condition',
      required: true,
      placeholder: "contract = 'Month-to-month' and tenure < 12",
    },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in?.kind === 'table' ? inputs.in : undefined;
    const { compiled, problems } = compileParam(params.expression, input?.columns, 'expression');
    if (compiled?.family && compiled.family !== 'boolean') {
      problems.push({ param: 'expression', message: notACondition(compiled.family) });
    }
    return { outputs: { out: input, rejected: input }, problems };
  },
};

export function notACondition(family: string): string {
  const what = ({ string: 'text', date: 'a date', null: 'always null', number: 'a number' } as Record<string, string>)[family] ?? family;
  return `expression: the condition gives ${what}, not true/false: compare it, e.g. "x > 0" or "x = 'Yes'"`;
}
