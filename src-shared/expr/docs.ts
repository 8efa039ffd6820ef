import { functionsMarkdown } from './functions.js';

/** The expression language's reference, for the docs of the nodes that take an expression. */
export const EXPRESSION_DOCS = [
  '### Expressions',
  '',
  '- Values: numbers (`12`, `3.5`, `1e-3`), text in single quotes (`\'Month-to-month\'`, `\'it\'\'s\'` for a quote),',
  '  `true`, `false`, `null`.',
  '- Columns by name (`tenure`, `home.dest`), or in brackets when the name has spaces or other',
  '  characters (`[monthly charges]`; `]]` for a bracket inside). Names match without regard to case.',
  '- `+ - * / %` on numbers (`/` always divides exactly: `7 / 2` is 3.5); `= != < <= > >=` (also `==`, `<>`);',
  '  `and`, `or`, `not`; `x is null`, `x is not null`; `x in (a, b, c)`, `x not in (...)`; parentheses.',
  '  Precedence, loosest first: `or`, `and`, `not`, comparisons, `+ -`, `* / %`, unary `-`.',
  '- A date column compares with a date in quotes: `signup >= \'2020-01-01\'`.',
  '',
  'Missing values: `null` in, `null` out. Arithmetic, comparisons and functions on a null give null',
  '(except `is null`, `coalesce`, and `min`/`max`, which ignore a null argument), and `x = null` is',
  'refused: write `x is null`. Where the math is undefined the result is null rather than an error or',
  'Infinity: a division (or remainder) by zero, `sqrt` of a negative number, `log` of zero or less,',
  '`log1p` at or below -1, `pow` of a negative number to a fractional power. The node logs how many',
  'rows that happened on, as a warning. A whole-number overflow (beyond ±9.2e18) fails the run.',
  '',
  functionsMarkdown(),
].join('\n');
