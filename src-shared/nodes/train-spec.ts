import type { NodeSpec, ParamSpec } from './spec.js';

/**
 * The common shape of every trainer: a table in, a model out; `target` and `features` (empty:
 * every other column) plus the estimator's own hyperparameters with scikit-learn's names and
 * defaults. One function so that the trainers differ only in what really differs.
 */
export function trainSpec(def: {
  readonly type: string;
  readonly title: string;
  readonly summary: string;
  readonly docs: string;
  readonly task: 'classification' | 'regression' | 'both';
  readonly params: readonly ParamSpec[];
}): NodeSpec {
  return {
    type: def.type,
    version: 1,
    category: 'training',
    title: def.title,
    summary: def.summary,
    docs: [
      def.docs,
      '',
      '- **target**: the column to predict.',
      ...(def.task === 'both' ? ['- **task**: classification (a class per row) or regression (a number per row).'] : []),
      '- **features**: the columns to learn from; empty means every other column. Text columns must be',
      '  encoded first and missing values imputed first: the node says which columns, never drops them.',
      '',
      'The model artifact holds the preprocessing chain of its input table (the fitted feature steps',
      'since the last ingest or join), the fitted estimator, its feature schema and class labels, so',
      'evaluation and prediction apply exactly the same steps to raw rows.',
    ].join('\n'),
    inputs: [{ name: 'train', type: 'table', label: 'Training rows' }],
    outputs: [{ name: 'model', type: 'model', label: 'Model' }],
    params: [
      { name: 'target', kind: 'column', port: 'train', label: 'Target', required: true },
      { name: 'features', kind: 'columns', port: 'train', label: 'Features', default: [] },
      ...(def.task === 'both'
        ? [
            {
              name: 'task',
              kind: 'enum',
              label: 'Task',
              default: 'classification',
              options: [
                { value: 'classification', label: 'Classification' },
                { value: 'regression', label: 'Regression' },
              ],
            } as const,
          ]
        : []),
      ...def.params,
    ],
    inferSchema: (inputs, params) => {
      const input = inputs.train;
      const problems: { param: string; message: string }[] = [];
      if (input?.kind === 'table') {
        const names = new Set(input.columns.map((c) => c.name));
        if (typeof params.target === 'string' && params.target !== '' && !names.has(params.target)) {
          problems.push({ param: 'target', message: `column "${params.target}" is not in the input` });
        }
        for (const f of (params.features as string[] | undefined) ?? []) {
          if (!names.has(f)) problems.push({ param: 'features', message: `column "${f}" is not in the input` });
        }
      }
      return { outputs: { model: { kind: 'model' } }, problems };
    },
  };
}
