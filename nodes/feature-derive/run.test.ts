import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, succeededOutputs, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { compileAst } from '../../src-shared/expr/compile.js';
import type { Expr } from '../../src-shared/expr/ast.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { catalogue } from '../index.js';
import { featureDeriveSpec } from './spec.js';

/**
 * feature.derive through the real engine on the shipped samples. Expected values come from
 * hand-written DuckDB SQL over the ingested table, not from the expression compiler.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string) => join(ROOT, 'samples', name);

let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-derive-');
});

afterAll(async () => {
  await bed?.dispose();
});

const derive = (id: string, from: string, name: string, expression: string, replace?: boolean) => ({
  node: testNode(id, 'feature.derive', { name, expression, ...(replace === undefined ? {} : { replace }) }),
  edge: testEdge(from, id, 'in'),
});

/** One SQL expression's values over a table artifact, in file order. */
async function column(path: string, sql: string, params: Record<string, string | number | boolean | null> = {}): Promise<unknown[]> {
  const rows = await bed.db.all(`SELECT ${sql} FROM read_parquet($p, file_row_number = true) ORDER BY file_row_number`, { ...params, p: path });
  return rows.rows.map((r) => r[0]);
}

describe('feature.derive on the samples', () => {
  let record: FreshRun;

  beforeAll(async () => {
    const parts = [
      derive('per_month', 'telco', 'charges_per_month', 'total_charges / tenure'),
      derive('safe', 'telco', 'avg_charge', 'if(tenure = 0, 0.0, total_charges / tenure)'),
      derive('flag', 'telco', 'month_to_month', "contract = 'Month-to-month'"),
      derive('label', 'telco', 'contract_lower', 'lower(contract)'),
      derive('years', 'telco', 'Tenure', 'tenure / 12', true),
      derive('per_month_renamed', 'filtered', 'per_month', 'charges / tenure'),
      derive('family', 'titanic', 'family_size', 'sibsp + parch + 1'),
      derive('child', 'titanic', 'is_child', 'age < 18'),
      derive('ratio', 'penguins', 'bill ratio', 'round(bill_length_mm / bill_depth_mm, 3)'),
      derive('grams', 'penguins', 'mass_class', "if(body_mass_g >= 4000, 'heavy', 'light')"),
    ];
    record = await bed.engine.runFresh(
      testDocument(
        [
          testNode('telco', 'ingest.csv', { path: sample('telco_churn.csv') }),
          testNode('titanic', 'ingest.csv', { path: sample('titanic.csv') }),
          testNode('penguins', 'ingest.csv', { path: sample('penguins.csv') }),
          testNode('renamed', 'feature.select', { rename: ['total_charges:charges'] }),
          testNode('filtered', 'feature.filter', { expression: 'tenure > 0' }),
          ...parts.map((p) => p.node),
        ],
        [testEdge('telco', 'renamed', 'in'), testEdge('renamed', 'filtered', 'in'), ...parts.map((p) => p.edge)],
      ),
      bed.home,
    );
    expect(record.status).toBe('succeeded');
  });

  it('telco: total_charges / tenure is null where tenure is 0 (11 rows), with a warning counting them', async () => {
    const { out } = succeededOutputs(record, 'per_month');
    const telco = succeededOutputs(record, 'telco').out;
    expect(out.rows).toBe(7043);
    expect(out.columns).toEqual([...telco.columns!, { name: 'charges_per_month', type: 'DOUBLE' }]);
    expect(await column(out.path, 'charges_per_month')).toEqual(await column(telco.path, 'total_charges / NULLIF(tenure, 0)'));
    expect(await column(out.path, 'count(*) FILTER (WHERE charges_per_month IS NULL) OVER ()')).toContain(11);
    expect(bed.logsOf(record, 'per_month')).toEqual([
      'info: added column "charges_per_month" (DOUBLE) = total_charges / tenure; 11 of 7043 values are null',
      'warn: 11 rows: division by zero in "total_charges / tenure" (expression:1:1); "charges_per_month" is null there',
    ]);
    // The input columns are untouched.
    expect(await column(out.path, 'tenure')).toEqual(await column(telco.path, 'tenure'));
  });

  it('telco: guarded by if(), the division warns about nothing and leaves no null', async () => {
    const { out } = succeededOutputs(record, 'safe');
    const telco = succeededOutputs(record, 'telco').out;
    expect(await column(out.path, 'avg_charge')).toEqual(await column(telco.path, 'CASE WHEN tenure = 0 THEN 0.0 ELSE total_charges / tenure END'));
    expect(bed.logsOf(record, 'safe')).toEqual(['info: added column "avg_charge" (DOUBLE) = if(tenure = 0, 0.0, total_charges / tenure); 0 of 7043 values are null']);
  });

  it('telco: text and true/false columns', async () => {
    const telco = succeededOutputs(record, 'telco').out;
    const flag = succeededOutputs(record, 'flag').out;
    expect(flag.columns!.at(-1)).toEqual({ name: 'month_to_month', type: 'BOOLEAN' });
    expect(await column(flag.path, 'month_to_month')).toEqual(await column(telco.path, "contract = 'Month-to-month'"));
    const label = succeededOutputs(record, 'label').out;
    expect(label.columns!.at(-1)).toEqual({ name: 'contract_lower', type: 'VARCHAR' });
    expect(new Set(await column(label.path, 'contract_lower'))).toEqual(new Set(['month-to-month', 'one year', 'two year']));
  });

  it('telco: replace overwrites a column in place, matching its name without regard to case', async () => {
    const telco = succeededOutputs(record, 'telco').out;
    const { out } = succeededOutputs(record, 'years');
    const at = telco.columns!.findIndex((c) => c.name === 'tenure');
    expect(out.columns!.map((c) => c.name)).toEqual(telco.columns!.map((c, i) => (i === at ? 'Tenure' : c.name)));
    expect(out.columns![at]).toEqual({ name: 'Tenure', type: 'DOUBLE' });
    expect(await column(out.path, '"Tenure"')).toEqual(await column(telco.path, 'tenure / 12'));
    expect(bed.logsOf(record, 'years')[0]).toMatch(/^info: replaced column "Tenure" \(DOUBLE\)/);
  });

  it('titanic and penguins: numbers, nulls from missing values, names with spaces, if()', async () => {
    const titanic = succeededOutputs(record, 'titanic').out;
    const family = succeededOutputs(record, 'family').out;
    expect(family.columns!.at(-1)).toEqual({ name: 'family_size', type: 'DOUBLE' });
    expect(await column(family.path, 'family_size')).toEqual(await column(titanic.path, 'sibsp + parch + 1'));
    const child = succeededOutputs(record, 'child').out;
    const missingAge = (await column(titanic.path, 'age IS NULL')).filter(Boolean).length;
    expect(missingAge).toBeGreaterThan(200);
    expect((await column(child.path, 'is_child IS NULL')).filter(Boolean)).toHaveLength(missingAge);

    const penguins = succeededOutputs(record, 'penguins').out;
    const ratio = succeededOutputs(record, 'ratio').out;
    expect(ratio.columns!.at(-1)).toEqual({ name: 'bill ratio', type: 'DOUBLE' });
    expect(await column(ratio.path, '"bill ratio"')).toEqual(await column(penguins.path, 'round(bill_length_mm / bill_depth_mm, 3)'));
    const grams = succeededOutputs(record, 'grams').out;
    expect(await column(grams.path, 'mass_class')).toEqual(await column(penguins.path, "CASE WHEN body_mass_g >= 4000 THEN 'heavy' ELSE 'light' END"));
  });

  it('adds a chain step holding the normalised expression, which replays to the same values', async () => {
    const { out } = succeededOutputs(record, 'per_month');
    const [step] = chainOf(out.meta as TableMeta);
    expect(step).toEqual({
      type: 'feature.derive',
      version: 1,
      node: 'per_month',
      params: { name: 'charges_per_month', expression: 'total_charges / tenure', replace: false },
      state: {
        expression: 'total_charges / tenure',
        ast: { kind: 'binary', op: '/', left: { kind: 'column', name: 'total_charges' }, right: { kind: 'column', name: 'tenure' } },
        type: 'DOUBLE',
        columns: ['total_charges', 'tenure'],
        inputs: [
          { name: 'total_charges', type: 'DOUBLE' },
          { name: 'tenure', type: 'BIGINT' },
        ],
      },
    });
    const telco = succeededOutputs(record, 'telco').out;
    const replay = compileAst(step.state.ast as Expr, telco.columns);
    if (!replay.ok) throw new Error(replay.errors[0].message);
    expect(await column(telco.path, replay.sql, replay.params)).toEqual(await column(out.path, 'charges_per_month'));
  });

  it('chains after a select, through a filter that leaves the chain as it is', () => {
    const chain = chainOf(succeededOutputs(record, 'per_month_renamed').out.meta as TableMeta);
    expect(chain.map((s) => [s.type, s.node])).toEqual([
      ['feature.select', 'renamed'],
      ['feature.derive', 'per_month_renamed'],
    ]);
    expect(succeededOutputs(record, 'filtered').out.meta).toEqual(succeededOutputs(record, 'renamed').out.meta);
    expect(bed.logsOf(record, 'per_month_renamed').filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('the schema inferred before the run is the schema the run wrote', () => {
    for (const [id, input] of [
      ['per_month', 'telco'],
      ['flag', 'telco'],
      ['label', 'telco'],
      ['years', 'telco'],
      ['family', 'titanic'],
      ['child', 'titanic'],
      ['ratio', 'penguins'],
      ['grams', 'penguins'],
    ]) {
      const params = bed.engine.lineage.getRun(record.runId)!.nodeRuns.find((n) => n.nodeId === id)!.params;
      const inferred = featureDeriveSpec.inferSchema!({ in: { kind: 'table', columns: succeededOutputs(record, input).out.columns! } }, withDefaults(featureDeriveSpec, params));
      expect(inferred.problems, id).toEqual([]);
      expect(inferred.outputs, id).toEqual({ out: { kind: 'table', columns: succeededOutputs(record, id).out.columns } });
    }
  });
});

describe('feature.derive errors', () => {
  it('refuses to overwrite a column unless replace is on, and names type errors with their position', async () => {
    const parts = [
      derive('exists', 'telco', 'tenure', 'tenure / 12'),
      derive('text_math', 'telco', 'double_contract', 'contract * 2'),
      derive('typo', 'telco', 'x', 'monthly_charge * 12'),
      derive('overflow', 'telco', 'big', 'tenure * 4000000000000000 * 4000'),
    ];
    const record = await bed.engine.runFresh(testDocument([testNode('telco', 'ingest.csv', { path: sample('telco_churn.csv') }), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), bed.home);
    expect(record.status).toBe('failed');
    expect(record.nodes.get('exists')?.error).toBe('column "tenure" already exists: choose another name, or turn on "Replace an existing column"');
    expect(record.nodes.get('text_math')?.error).toBe('expression:1:1: "*" needs numbers on both sides, but column "contract" is text');
    expect(record.nodes.get('typo')?.error).toBe('expression:1:1: unknown column "monthly_charge" (did you mean "monthly_charges"?)');
    expect(record.nodes.get('overflow')?.error).toMatch(/^expression: could not be computed: .*Overflow in multiplication of INT64/);
  });

  it('reports bad references in checkGraph before any run, following the schema through other nodes', () => {
    const nodes = [
      testNode('read', 'ingest.csv', { path: sample('telco_churn.csv') }),
      // ingest.csv's rejected rows have a known schema, so the checks can see columns.
      testNode('taken', 'feature.derive', { name: 'line', expression: 'line + 1' }),
      testNode('typo', 'feature.derive', { name: 'next', expression: 'lien + 1' }),
      testNode('narrow', 'feature.select', { columns: ['line', 'error'] }),
      testNode('dropped', 'feature.derive', { name: 'kind', expression: "lower(error_type) = 'cast'" }),
      testNode('always_null', 'feature.derive', { name: 'nothing', expression: 'null' }),
      testNode('unknown_fn', 'feature.derive', { name: 'y', expression: 'log10(tenure)' }),
      testNode('ok', 'feature.derive', { name: 'next_line', expression: 'line + 1' }),
    ];
    const edges = [
      testEdge('read', 'taken', 'in', 'rejected'),
      testEdge('read', 'typo', 'in', 'rejected'),
      testEdge('read', 'narrow', 'in', 'rejected'),
      testEdge('narrow', 'dropped', 'in'),
      testEdge('read', 'always_null', 'in'),
      testEdge('read', 'unknown_fn', 'in'),
      testEdge('narrow', 'ok', 'in'),
    ];
    const check = checkGraph(testDocument(nodes, edges), catalogue);
    const found = check.problems.map((p) => [p.nodeId, p.code, p.field, p.message]).sort((a, b) => nodes.findIndex((n) => n.id === a[0]) - nodes.findIndex((n) => n.id === b[0]));
    expect(found).toEqual([
      ['taken', 'bad-reference', 'name', 'column "line" already exists: choose another name, or turn on "Replace an existing column"'],
      ['typo', 'bad-reference', 'expression', 'expression:1:1: unknown column "lien" (did you mean "line"?)'],
      ['dropped', 'bad-reference', 'expression', 'expression:1:7: unknown column "error_type"'],
      ['always_null', 'bad-reference', 'expression', expect.stringMatching(/^expression: it is always null/)],
      ['unknown_fn', 'bad-reference', 'expression', 'expression:1:1: unknown function "log10": write log(x) / log(10) (log is the natural logarithm)'],
    ]);
    // The derived column's type is known before the run, for the nodes downstream.
    expect(check.schemas.get('ok')?.out).toEqual({
      kind: 'table',
      columns: [
        { name: 'line', type: 'BIGINT' },
        { name: 'error', type: 'VARCHAR' },
        { name: 'next_line', type: 'BIGINT' },
      ],
    });
  });
});
