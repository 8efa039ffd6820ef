import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../../src-main/data/duckdb.js';
import type { ArtifactRecord } from '../../src-main/lineage/types.js';
import { openTestEngine, type FreshRun, type TestEngine } from '../../src-main/test-nodes/test-engine.js';
import { compileAst } from '../../src-shared/expr/compile.js';
import type { Expr } from '../../src-shared/expr/ast.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../../src-shared/pipeline/document.js';
import { catalogue } from '../index.js';
import { featureDeriveSpec } from './spec.js';

/**
 * feature.derive through the real engine on the shipped samples. Expected values come from
 * hand-written DuckDB SQL over the ingested table, not from the expression compiler.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string) => join(ROOT, 'samples', name);

let home: string;
let engine: TestEngine;
let duck: DuckDatabase;
let db: DuckSession;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'plumb-derive-'));
  engine = await openTestEngine({ home: join(home, 'state') });
  duck = await DuckDatabase.open({ threads: 1 });
  db = await duck.session();
});

afterAll(async () => {
  db?.close();
  duck?.dispose();
  await engine?.dispose();
  if (home) await rm(home, { recursive: true, force: true });
});

let y = 0;
const node = (id: string, type: string, params: Record<string, unknown> = {}): PipelineNode => ({ id, type, typeVersion: 1, position: { x: 0, y: (y += 80) }, params });
const edge = (from: string, to: string, fromPort = 'out'): PipelineEdge => ({ id: `${from}.${fromPort}->${to}`, from: { node: from, port: fromPort }, to: { node: to, port: 'in' } });
const doc = (nodes: PipelineNode[], edges: PipelineEdge[]): PipelineDocument => ({ format: 'plumb.pipeline', version: 2, id: 'derive-test', name: 'derive test', description: '', nodes, edges });
const derive = (id: string, from: string, name: string, expression: string, replace?: boolean) => ({
  node: node(id, 'feature.derive', { name, expression, ...(replace === undefined ? {} : { replace }) }),
  edge: edge(from, id),
});

function outputs(record: FreshRun, id: string): Record<string, ArtifactRecord> {
  const n = record.nodes.get(id);
  expect(n?.error, `${id} error`).toBeUndefined();
  expect(n?.status, id).toBe('succeeded');
  return n!.outputs;
}

function logsOf(record: FreshRun, id: string): string[] {
  return engine.lineage.getRun(record.runId)!.nodeRuns.find((n) => n.nodeId === id)!.logs.map((l) => `${l.level}: ${l.message}`);
}

/** One SQL expression's values over a table artifact, in file order. */
async function column(path: string, sql: string, params: Record<string, string | number | boolean | null> = {}): Promise<unknown[]> {
  const rows = await db.all(`SELECT ${sql} FROM read_parquet($p, file_row_number = true) ORDER BY file_row_number`, { ...params, p: path });
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
    record = await engine.runFresh(
      doc(
        [
          node('telco', 'ingest.csv', { path: sample('telco_churn.csv') }),
          node('titanic', 'ingest.csv', { path: sample('titanic.csv') }),
          node('penguins', 'ingest.csv', { path: sample('penguins.csv') }),
          node('renamed', 'feature.select', { rename: ['total_charges:charges'] }),
          node('filtered', 'feature.filter', { expression: 'tenure > 0' }),
          ...parts.map((p) => p.node),
        ],
        [edge('telco', 'renamed'), edge('renamed', 'filtered'), ...parts.map((p) => p.edge)],
      ),
      home,
    );
    expect(record.status).toBe('succeeded');
  });

  it('telco: total_charges / tenure is null where tenure is 0 (11 rows), with a warning counting them', async () => {
    const { out } = outputs(record, 'per_month');
    const telco = outputs(record, 'telco').out;
    expect(out.rows).toBe(7043);
    expect(out.columns).toEqual([...telco.columns!, { name: 'charges_per_month', type: 'DOUBLE' }]);
    expect(await column(out.path, 'charges_per_month')).toEqual(await column(telco.path, 'total_charges / NULLIF(tenure, 0)'));
    expect(await column(out.path, 'count(*) FILTER (WHERE charges_per_month IS NULL) OVER ()')).toContain(11);
    expect(logsOf(record, 'per_month')).toEqual([
      'info: added column "charges_per_month" (DOUBLE) = total_charges / tenure; 11 of 7043 values are null',
      'warn: 11 rows: division by zero in "total_charges / tenure" (expression:1:1); "charges_per_month" is null there',
    ]);
    // The input columns are untouched.
    expect(await column(out.path, 'tenure')).toEqual(await column(telco.path, 'tenure'));
  });

  it('telco: guarded by if(), the division warns about nothing and leaves no null', async () => {
    const { out } = outputs(record, 'safe');
    const telco = outputs(record, 'telco').out;
    expect(await column(out.path, 'avg_charge')).toEqual(await column(telco.path, 'CASE WHEN tenure = 0 THEN 0.0 ELSE total_charges / tenure END'));
    expect(logsOf(record, 'safe')).toEqual(['info: added column "avg_charge" (DOUBLE) = if(tenure = 0, 0.0, total_charges / tenure); 0 of 7043 values are null']);
  });

  it('telco: text and true/false columns', async () => {
    const telco = outputs(record, 'telco').out;
    const flag = outputs(record, 'flag').out;
    expect(flag.columns!.at(-1)).toEqual({ name: 'month_to_month', type: 'BOOLEAN' });
    expect(await column(flag.path, 'month_to_month')).toEqual(await column(telco.path, "contract = 'Month-to-month'"));
    const label = outputs(record, 'label').out;
    expect(label.columns!.at(-1)).toEqual({ name: 'contract_lower', type: 'VARCHAR' });
    expect(new Set(await column(label.path, 'contract_lower'))).toEqual(new Set(['month-to-month', 'one year', 'two year']));
  });

  it('telco: replace overwrites a column in place, matching its name without regard to case', async () => {
    const telco = outputs(record, 'telco').out;
    const { out } = outputs(record, 'years');
    const at = telco.columns!.findIndex((c) => c.name === 'tenure');
    expect(out.columns!.map((c) => c.name)).toEqual(telco.columns!.map((c, i) => (i === at ? 'Tenure' : c.name)));
    expect(out.columns![at]).toEqual({ name: 'Tenure', type: 'DOUBLE' });
    expect(await column(out.path, '"Tenure"')).toEqual(await column(telco.path, 'tenure / 12'));
    expect(logsOf(record, 'years')[0]).toMatch(/^info: replaced column "Tenure" \(DOUBLE\)/);
  });

  it('titanic and penguins: numbers, nulls from missing values, names with spaces, if()', async () => {
    const titanic = outputs(record, 'titanic').out;
    const family = outputs(record, 'family').out;
    expect(family.columns!.at(-1)).toEqual({ name: 'family_size', type: 'DOUBLE' });
    expect(await column(family.path, 'family_size')).toEqual(await column(titanic.path, 'sibsp + parch + 1'));
    const child = outputs(record, 'child').out;
    const missingAge = (await column(titanic.path, 'age IS NULL')).filter(Boolean).length;
    expect(missingAge).toBeGreaterThan(200);
    expect((await column(child.path, 'is_child IS NULL')).filter(Boolean)).toHaveLength(missingAge);

    const penguins = outputs(record, 'penguins').out;
    const ratio = outputs(record, 'ratio').out;
    expect(ratio.columns!.at(-1)).toEqual({ name: 'bill ratio', type: 'DOUBLE' });
    expect(await column(ratio.path, '"bill ratio"')).toEqual(await column(penguins.path, 'round(bill_length_mm / bill_depth_mm, 3)'));
    const grams = outputs(record, 'grams').out;
    expect(await column(grams.path, 'mass_class')).toEqual(await column(penguins.path, "CASE WHEN body_mass_g >= 4000 THEN 'heavy' ELSE 'light' END"));
  });

  it('adds a chain step holding the normalised expression, which replays to the same values', async () => {
    const { out } = outputs(record, 'per_month');
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
    const telco = outputs(record, 'telco').out;
    const replay = compileAst(step.state.ast as Expr, telco.columns);
    if (!replay.ok) throw new Error(replay.errors[0].message);
    expect(await column(telco.path, replay.sql, replay.params)).toEqual(await column(out.path, 'charges_per_month'));
  });

  it('chains after a select, through a filter that leaves the chain as it is', () => {
    const chain = chainOf(outputs(record, 'per_month_renamed').out.meta as TableMeta);
    expect(chain.map((s) => [s.type, s.node])).toEqual([
      ['feature.select', 'renamed'],
      ['feature.derive', 'per_month_renamed'],
    ]);
    expect(outputs(record, 'filtered').out.meta).toEqual(outputs(record, 'renamed').out.meta);
    expect(logsOf(record, 'per_month_renamed').filter((l) => l.startsWith('warn'))).toEqual([]);
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
      const params = engine.lineage.getRun(record.runId)!.nodeRuns.find((n) => n.nodeId === id)!.params;
      const inferred = featureDeriveSpec.inferSchema!({ in: { kind: 'table', columns: outputs(record, input).out.columns! } }, withDefaults(featureDeriveSpec, params));
      expect(inferred.problems, id).toEqual([]);
      expect(inferred.outputs, id).toEqual({ out: { kind: 'table', columns: outputs(record, id).out.columns } });
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
    const record = await engine.runFresh(doc([node('telco', 'ingest.csv', { path: sample('telco_churn.csv') }), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), home);
    expect(record.status).toBe('failed');
    expect(record.nodes.get('exists')?.error).toBe('column "tenure" already exists: choose another name, or turn on "Replace an existing column"');
    expect(record.nodes.get('text_math')?.error).toBe('expression:1:1: "*" needs numbers on both sides, but column "contract" is text');
    expect(record.nodes.get('typo')?.error).toBe('expression:1:1: unknown column "monthly_charge" (did you mean "monthly_charges"?)');
    expect(record.nodes.get('overflow')?.error).toMatch(/^expression: could not be computed: .*Overflow in multiplication of INT64/);
  });

  it('reports bad references in checkGraph before any run, following the schema through other nodes', () => {
    const nodes = [
      node('read', 'ingest.csv', { path: sample('telco_churn.csv') }),
      // ingest.csv's rejected rows have a known schema, so the checks can see columns.
      node('taken', 'feature.derive', { name: 'line', expression: 'line + 1' }),
      node('typo', 'feature.derive', { name: 'next', expression: 'lien + 1' }),
      node('narrow', 'feature.select', { columns: ['line', 'error'] }),
      node('dropped', 'feature.derive', { name: 'kind', expression: "lower(error_type) = 'cast'" }),
      node('always_null', 'feature.derive', { name: 'nothing', expression: 'null' }),
      node('unknown_fn', 'feature.derive', { name: 'y', expression: 'log10(tenure)' }),
      node('ok', 'feature.derive', { name: 'next_line', expression: 'line + 1' }),
    ];
    const edges = [
      edge('read', 'taken', 'rejected'),
      edge('read', 'typo', 'rejected'),
      edge('read', 'narrow', 'rejected'),
      edge('narrow', 'dropped'),
      edge('read', 'always_null'),
      edge('read', 'unknown_fn'),
      edge('narrow', 'ok'),
    ];
    const check = checkGraph(doc(nodes, edges), catalogue);
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
