import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, succeededOutputs, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { catalogue } from '../index.js';
import { featureFilterSpec } from './spec.js';

/**
 * feature.filter through the real engine (worker pool, DuckDB, artifact and lineage stores), on
 * the shipped samples read by ingest.csv. Expected rows come from hand-written SQL over the
 * ingested table, not from the expression compiler.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string) => join(ROOT, 'samples', name);

type Row = Record<string, unknown>;
let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-filter-');
});

afterAll(async () => {
  await bed?.dispose();
});

const filter = (id: string, from: string, expression: string) => ({ node: testNode(id, 'feature.filter', { expression }), edge: testEdge(from, id, 'in') });

/** The rows of a table artifact, in file order. */
const rows = (path: string, where = 'true'): Promise<Row[]> => bed.readRows(path, { where });

describe('feature.filter on the samples', () => {
  let record: FreshRun;

  beforeAll(async () => {
    const parts = [
      filter('month_to_month', 'telco', "contract = 'Month-to-month' and tenure < 12"),
      filter('big_spenders', 'telco', 'total_charges > 100'),
      filter('adult_women', 'titanic', "age >= 18 and sex = 'female'"),
      filter('from_c_or_q', 'titanic', "embarked in ('C', 'Q') and [home.dest] is not null"),
      filter('adelie_or_unknown', 'penguins', "species = 'Adelie' and bill_length_mm > 40 or sex is null"),
      filter('after_select', 'selected', 'senior_citizen'),
      filter('nothing', 'penguins', 'false'),
    ];
    record = await bed.engine.runFresh(
      testDocument(
        [
          testNode('telco', 'ingest.csv', { path: sample('telco_churn.csv') }),
          testNode('titanic', 'ingest.csv', { path: sample('titanic.csv') }),
          testNode('penguins', 'ingest.csv', { path: sample('penguins.csv') }),
          testNode('selected', 'feature.select', { cast: ['senior_citizen:BOOLEAN'] }),
          ...parts.map((p) => p.node),
        ],
        [testEdge('telco', 'selected', 'in'), ...parts.map((p) => p.edge)],
      ),
      bed.home,
    );
    expect(record.status).toBe('succeeded');
  });

  /** Checks out/rejected against the same condition in hand-written SQL over the input. */
  async function expectSplit(id: string, input: string, sql: string): Promise<{ kept: number; removed: number }> {
    const source = succeededOutputs(record, input).out;
    const { out, rejected } = succeededOutputs(record, id);
    expect(await rows(out.path)).toEqual(await rows(source.path, `(${sql}) IS TRUE`));
    expect(await rows(rejected.path)).toEqual(await rows(source.path, `(${sql}) IS NOT TRUE`));
    // Nothing dropped: the two outputs add up to the input, and keep its columns.
    expect(out.rows! + rejected.rows!).toBe(source.rows);
    expect(out.columns).toEqual(source.columns);
    expect(rejected.columns).toEqual(source.columns);
    return { kept: out.rows!, removed: rejected.rows! };
  }

  it("telco: contract = 'Month-to-month' and tenure < 12 keeps 1908 of 7043 rows, in order", async () => {
    const split = await expectSplit('month_to_month', 'telco', "contract = 'Month-to-month' AND tenure < 12");
    expect(split).toEqual({ kept: 1908, removed: 7043 - 1908 });
    expect(bed.logsOf(record, 'month_to_month')).toContain('info: kept 1908 of 7043 rows; removed 5135');
    const metrics = bed.engine.lineage.getRun(record.runId)!.nodeRuns.find((n) => n.nodeId === 'month_to_month')!.metrics;
    expect(Object.fromEntries(metrics.map((m) => [m.name, m.value]))).toEqual({ rows_in: 7043, rows_kept: 1908, rows_removed: 5135 });
  });

  it('telco: a null condition (11 missing total_charges) removes the row, and the log says so', async () => {
    const split = await expectSplit('big_spenders', 'telco', 'total_charges > 100');
    const nulls = await rows(succeededOutputs(record, 'big_spenders').rejected.path, 'total_charges IS NULL');
    expect(nulls).toHaveLength(11);
    expect(bed.logsOf(record, 'big_spenders')).toContain(`info: kept ${split.kept} of 7043 rows; removed ${split.removed} (11 of them because the condition was null)`);
  });

  it('titanic: comparisons, in-lists and a bracketed column name with a dot', async () => {
    const women = await expectSplit('adult_women', 'titanic', "age >= 18 AND sex = 'female'");
    expect(women.kept + women.removed).toBe(1309);
    expect(women.kept).toBeGreaterThan(300);
    const cq = await expectSplit('from_c_or_q', 'titanic', `embarked IN ('C', 'Q') AND "home.dest" IS NOT NULL`);
    expect(cq.kept).toBeGreaterThan(0);
  });

  it('penguins: and binds tighter than or; the 11 rows without sex are kept', async () => {
    const split = await expectSplit('adelie_or_unknown', 'penguins', "(species = 'Adelie' AND bill_length_mm > 40) OR sex IS NULL");
    expect(await rows(succeededOutputs(record, 'adelie_or_unknown').out.path, 'sex IS NULL')).toHaveLength(11);
    expect(split.kept + split.removed).toBe(344);
  });

  it('false keeps nothing and rejects everything, with the full schema', async () => {
    const split = await expectSplit('nothing', 'penguins', 'false');
    expect(split).toEqual({ kept: 0, removed: 344 });
  });

  it('passes the preprocessing chain through unchanged on both outputs', async () => {
    const selected = succeededOutputs(record, 'selected').out;
    const { out, rejected } = succeededOutputs(record, 'after_select');
    expect(selected.meta).toMatchObject({ chain: [{ type: 'feature.select', node: 'selected' }] });
    expect(out.meta).toEqual(selected.meta);
    expect(rejected.meta).toEqual(selected.meta);
    const telco = succeededOutputs(record, 'telco').out;
    expect(succeededOutputs(record, 'month_to_month').out.meta).toEqual(telco.meta);
  });

  it('its schema inferred before the run is the schema it wrote', () => {
    const telco = succeededOutputs(record, 'telco').out;
    const inferred = featureFilterSpec.inferSchema!(
      { in: { kind: 'table', columns: telco.columns! } },
      withDefaults(featureFilterSpec, { expression: "contract = 'Month-to-month' and tenure < 12" }),
    );
    expect(inferred.problems).toEqual([]);
    const { out, rejected } = succeededOutputs(record, 'month_to_month');
    expect(inferred.outputs).toEqual({ out: { kind: 'table', columns: out.columns }, rejected: { kind: 'table', columns: rejected.columns } });
  });
});

describe('feature.filter errors', () => {
  it('fails naming the expression, the position and the column, or the DuckDB failure', async () => {
    const parts = [
      filter('typo', 'telco', "contract = 'Month-to-month' and tenur < 12"),
      filter('number', 'telco', 'tenure + 1'),
      filter('overflow', 'telco', 'tenure * 4000000000000000 * 4000 > 0'),
      filter('zero', 'telco', 'total_charges / tenure > 100'),
    ];
    const record = await bed.engine.runFresh(testDocument([testNode('telco', 'ingest.csv', { path: sample('telco_churn.csv') }), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), bed.home);
    expect(record.status).toBe('failed');
    expect(record.nodes.get('typo')).toMatchObject({ status: 'failed', error: 'expression:1:33: unknown column "tenur" (did you mean "tenure"?)' });
    expect(record.nodes.get('number')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^expression: the condition gives a number, not true\/false/) });
    expect(record.nodes.get('overflow')?.error).toMatch(/^expression: could not be computed: .*Overflow in multiplication of INT64/);
    // Division by zero is not a failure: the condition is null there, the row is removed, and a warning counts it.
    expect(record.nodes.get('zero')?.status).toBe('succeeded');
    expect(bed.logsOf(record, 'zero')).toContain(
      'warn: 11 rows: division by zero in "total_charges / tenure" (expression:1:1); the condition is null there, so those rows are removed',
    );
  });

  it('reports bad references in checkGraph, before any run, on the node and its param', () => {
    const parts = [
      // The rejected port of ingest.csv has a known schema: its columns are checked.
      { node: testNode('unknown_column', 'feature.filter', { expression: "lin > 3 and error_type = 'CAST'" }), edge: testEdge('read', 'unknown_column', 'in', 'rejected') },
      { node: testNode('not_a_condition', 'feature.filter', { expression: 'line + 1' }), edge: testEdge('read', 'not_a_condition', 'in', 'rejected') },
      // The CSV's own columns are not known before it is read, but syntax and functions are checked.
      filter('syntax', 'read', 'tenure <'),
      filter('function', 'read', 'sqr(tenure) > 2'),
      filter('fine', 'read', "contract = 'Month-to-month'"),
    ];
    const { problems } = checkGraph(testDocument([testNode('read', 'ingest.csv', { path: sample('telco_churn.csv') }), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), catalogue);
    const found = problems.map((p) => [p.nodeId, p.code, p.field, p.message]);
    expect(found).toEqual([
      ['unknown_column', 'bad-reference', 'expression', 'expression:1:1: unknown column "lin" (did you mean "line"?)'],
      ['not_a_condition', 'bad-reference', 'expression', expect.stringMatching(/^expression: the condition gives a number, not true\/false/)],
      ['syntax', 'bad-reference', 'expression', 'expression:1:9: the expression ends too early: a value is missing here'],
      ['function', 'bad-reference', 'expression', 'expression:1:1: unknown function "sqr" (did you mean "sqrt"?)'],
    ]);
  });

  it('an empty expression is a missing required param', () => {
    const { problems } = checkGraph(testDocument([testNode('read', 'ingest.csv', { path: sample('telco_churn.csv') }), testNode('f', 'feature.filter', {})], [testEdge('read', 'f', 'in')]), catalogue);
    expect(problems.map((p) => [p.nodeId, p.code, p.field])).toEqual([['f', 'bad-param', 'expression']]);
  });
});
