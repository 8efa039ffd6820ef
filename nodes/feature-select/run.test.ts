import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, succeededOutputs, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { catalogue } from '../index.js';
import { castType, featureSelectSpec, parseCast, parseRename } from './spec.js';

/**
 * feature.select through the real engine on the shipped samples; expected tables come from
 * hand-written DuckDB SQL over the ingested table.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string) => join(ROOT, 'samples', name);

type Row = Record<string, unknown>;
let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-select-');
});

afterAll(async () => {
  await bed?.dispose();
});

const select = (id: string, from: string, params: Record<string, unknown>) => ({ node: testNode(id, 'feature.select', params), edge: testEdge(from, id, 'in') });
const sources = () => [
  testNode('telco', 'ingest.csv', { path: sample('telco_churn.csv') }),
  testNode('titanic', 'ingest.csv', { path: sample('titanic.csv') }),
  testNode('penguins', 'ingest.csv', { path: sample('penguins.csv') }),
];

/** `SELECT <list>` over a table artifact, in file order. */
const rows = (path: string, list?: string): Promise<Row[]> => bed.readRows(path, { select: list });

describe('feature.select on the samples', () => {
  let record: FreshRun;
  const params: Record<string, Record<string, unknown>> = {
    keep: { columns: ['churn', 'tenure', 'contract', 'total_charges'], rename: ['total_charges:charges'], cast: ['tenure:DOUBLE', 'churn:VARCHAR'] },
    drop_some: { drop: ['female', 'partner'] },
    casts: { cast: ['monthly_charges:INTEGER', 'senior_citizen:BOOLEAN', 'paperless_billing:bool', 'total_charges:decimal(10, 2)'] },
    lenient: { columns: ['contract', 'tenure'], cast: ['contract:DOUBLE', 'tenure:text'], onCastError: 'null' },
    tickets: { columns: ['name', 'ticket', 'home.dest'], cast: ['ticket:INTEGER'], rename: ['[home.dest]:destination'], onCastError: 'null' },
    reorder: { columns: ['sex', 'species', 'bill_length_mm', 'year'], rename: ['bill_length_mm:[bill length (mm)]'], cast: ['year:VARCHAR'] },
  };
  const inputOf: Record<string, string> = { keep: 'telco', drop_some: 'telco', casts: 'telco', lenient: 'telco', tickets: 'titanic', reorder: 'penguins' };

  beforeAll(async () => {
    const parts = Object.entries(params).map(([id, p]) => select(id, inputOf[id], p));
    record = await bed.engine.runFresh(testDocument([...sources(), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), bed.home);
    expect(record.status).toBe('succeeded');
  });

  it('telco: keeps columns in the order listed, renames and casts them', async () => {
    const { out } = succeededOutputs(record, 'keep');
    expect(out.rows).toBe(7043);
    expect(out.columns).toEqual([
      { name: 'churn', type: 'VARCHAR' },
      { name: 'tenure', type: 'DOUBLE' },
      { name: 'contract', type: 'VARCHAR' },
      { name: 'charges', type: 'DOUBLE' },
    ]);
    const telco = succeededOutputs(record, 'telco').out;
    expect(await rows(out.path)).toEqual(
      await rows(telco.path, 'CAST(churn AS VARCHAR) AS churn, CAST(tenure AS DOUBLE) AS tenure, contract, total_charges AS charges'),
    );
    expect(bed.logsOf(record, 'keep')).toEqual(['info: kept 4 of 20 columns, renamed 1, cast 2']);
  });

  it('telco: drop leaves the others in their order', () => {
    const telco = succeededOutputs(record, 'telco').out;
    expect(succeededOutputs(record, 'drop_some').out.columns).toEqual(telco.columns!.filter((c) => c.name !== 'female' && c.name !== 'partner'));
  });

  it('telco: casts to whole numbers (rounding), booleans and decimals', async () => {
    const { out } = succeededOutputs(record, 'casts');
    const types = Object.fromEntries(out.columns!.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({ monthly_charges: 'INTEGER', senior_citizen: 'BOOLEAN', paperless_billing: 'BOOLEAN', total_charges: 'DECIMAL(10,2)' });
    const telco = succeededOutputs(record, 'telco').out;
    expect(await rows(out.path, 'monthly_charges, senior_citizen, paperless_billing')).toEqual(
      await rows(telco.path, 'CAST(monthly_charges AS INTEGER) AS monthly_charges, senior_citizen <> 0 AS senior_citizen, paperless_billing <> 0 AS paperless_billing'),
    );
    const [first] = await rows(out.path, 'monthly_charges');
    expect(first.monthly_charges).toBe(30); // 29.85 rounds to the nearest
  });

  it('telco: with onCastError null, values that do not convert become null and are counted', async () => {
    const { out } = succeededOutputs(record, 'lenient');
    expect(out.columns).toEqual([
      { name: 'contract', type: 'DOUBLE' },
      { name: 'tenure', type: 'VARCHAR' },
    ]);
    const values = await rows(out.path);
    expect(values.every((r) => r.contract === null)).toBe(true);
    expect(values[1].tenure).toBe('34');
    expect(bed.logsOf(record, 'lenient')).toEqual([
      'warn: cast column "contract" to DOUBLE: 7043 values do not convert, e.g. "Month-to-month" (row 1): made null',
      'info: kept 2 of 20 columns, cast 2',
    ]);
  });

  it('titanic: counts the tickets that are not numbers, names a dotted column in brackets', async () => {
    const titanic = succeededOutputs(record, 'titanic').out;
    const [ref] = await rows(
      titanic.path,
      'count(*) FILTER (WHERE ticket IS NOT NULL AND TRY_CAST(ticket AS INTEGER) IS NULL) OVER () AS bad, first_value(ticket) OVER (ORDER BY CASE WHEN TRY_CAST(ticket AS INTEGER) IS NULL THEN file_row_number END NULLS LAST) AS example',
    );
    expect(Number(ref.bad)).toBeGreaterThan(100);
    const { out } = succeededOutputs(record, 'tickets');
    expect(out.columns).toEqual([
      { name: 'name', type: 'VARCHAR' },
      { name: 'ticket', type: 'INTEGER' },
      { name: 'destination', type: 'VARCHAR' },
    ]);
    expect(await rows(out.path)).toEqual(await rows(titanic.path, 'name, TRY_CAST(ticket AS INTEGER) AS ticket, "home.dest" AS destination'));
    expect(bed.logsOf(record, 'tickets')[0]).toMatch(new RegExp(`^warn: cast column "ticket" to INTEGER: ${ref.bad} values do not convert, e\\.g\\. "${ref.example}" \\(row \\d+\\): made null$`));
  });

  it('penguins: reorders, renames to a name with spaces and casts to text', async () => {
    const { out } = succeededOutputs(record, 'reorder');
    expect(out.columns).toEqual([
      { name: 'sex', type: 'VARCHAR' },
      { name: 'species', type: 'VARCHAR' },
      { name: 'bill length (mm)', type: 'DOUBLE' },
      { name: 'year', type: 'VARCHAR' },
    ]);
    const penguins = succeededOutputs(record, 'penguins').out;
    expect(await rows(out.path)).toEqual(await rows(penguins.path, 'sex, species, bill_length_mm AS "bill length (mm)", CAST(year AS VARCHAR) AS year'));
  });

  it('the schema inferred before the run is exactly the schema the run wrote', () => {
    for (const id of Object.keys(params)) {
      const input = succeededOutputs(record, inputOf[id]).out;
      const inferred = featureSelectSpec.inferSchema!({ in: { kind: 'table', columns: input.columns! } }, withDefaults(featureSelectSpec, params[id]));
      expect(inferred.problems, id).toEqual([]);
      expect(inferred.outputs, id).toEqual({ out: { kind: 'table', columns: succeededOutputs(record, id).out.columns } });
    }
  });

  it('is a step of the preprocessing chain', () => {
    const typeOf = (name: string) => succeededOutputs(record, 'telco').out.columns!.find((c) => c.name === name)!.type;
    expect(chainOf(succeededOutputs(record, 'keep').out.meta as TableMeta)).toEqual([
      {
        type: 'feature.select',
        version: 1,
        node: 'keep',
        params: withDefaults(featureSelectSpec, params.keep),
        // What replay needs: each output column's source, its type there, its name and its cast.
        state: {
          outputs: [
            { source: 'churn', name: 'churn', from: typeOf('churn'), cast: 'VARCHAR' },
            { source: 'tenure', name: 'tenure', from: 'BIGINT', cast: 'DOUBLE' },
            { source: 'contract', name: 'contract', from: 'VARCHAR' },
            { source: 'total_charges', name: 'charges', from: 'DOUBLE' },
          ],
          onCastError: 'fail',
        },
      },
    ]);
  });
});

describe('feature.select errors', () => {
  it('a failing cast names the column, how many values fail, and the first with its row', async () => {
    const parts = [
      select('strict', 'telco', { cast: ['contract:DOUBLE', 'tenure:DOUBLE'] }),
      select('tickets', 'titanic', { columns: ['ticket', 'name', 'sex', 'cabin'], cast: ['name:DATE', 'sex:BOOLEAN', 'cabin:INTEGER', 'ticket:INTEGER'] }),
      select('typo', 'telco', { columns: ['tenure', 'contrct'] }),
    ];
    const record = await bed.engine.runFresh(testDocument([...sources(), ...parts.map((p) => p.node)], parts.map((p) => p.edge)), bed.home);
    expect(record.status).toBe('failed');
    expect(record.nodes.get('strict')?.error).toBe(
      'cannot cast column "contract" to DOUBLE: 7043 values do not convert, e.g. "Month-to-month" (row 1). Set "On cast error" to null to make such values null.',
    );
    expect(record.nodes.get('tickets')?.error).toMatch(
      /^cannot cast column "ticket" to INTEGER: 352 values do not convert, e\.g\. "PC 17609" \(row 10\); column "name" to DATE: 1309 values do not convert, e\.g\. "Allen, Miss\. Elisabeth Walton" \(row 1\); column "sex" to BOOLEAN: 1309 values do not convert, e\.g\. "female" \(row 1\); and 1 more column\. Set "On cast error" to null to make such values null\.$/,
    );
    expect(record.nodes.get('typo')?.error).toBe('columns: column "contrct" is not in the input (did you mean "contract"?)');
  });

  it('reports bad references and malformed entries in checkGraph before any run', () => {
    const nodes = [
      testNode('read', 'ingest.csv', { path: sample('telco_churn.csv') }),
      // Before the CSV is read its columns are unknown, but entries and types are checked.
      testNode('bad_type', 'feature.select', { cast: ['tenure:NUMBER'], rename: ['oops'] }),
      // ingest.csv's rejected rows have a known schema, so column references are checked.
      testNode('unknown', 'feature.select', { columns: ['line', 'eror'], drop: ['csv_lines'] }),
      testNode('conflict', 'feature.select', { columns: ['line', 'error'], drop: ['error'] }),
      testNode('collide', 'feature.select', { rename: ['line:Error'] }),
      testNode('dropped', 'feature.select', { drop: ['line'], rename: ['line:n'], cast: ['line:DOUBLE'] }),
      testNode('empty', 'feature.select', { drop: ['line', 'column_name', 'error_type', 'error', 'csv_line'] }),
      testNode('fine', 'feature.select', { columns: ['error', 'line'], rename: ['line:n'], cast: ['line:DOUBLE'] }),
    ];
    const edges = [testEdge('read', 'bad_type', 'in'), ...nodes.slice(2).map((n) => testEdge('read', n.id, 'in', 'rejected'))];
    const check = checkGraph(testDocument(nodes, edges), catalogue);
    expect(check.problems.map((p) => [p.nodeId, p.field, p.message])).toEqual([
      ['bad_type', 'rename', '"oops" is not of the form old:new'],
      ['bad_type', 'cast', '"NUMBER" is not a type a column can be cast to; the types are BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIME'],
      ['unknown', 'columns', 'column "eror" is not in the input (did you mean "error"?)'],
      ['unknown', 'drop', 'column "csv_lines" is not in the input (did you mean "csv_line"?)'],
      ['conflict', 'drop', 'column "error" is both kept and dropped'],
      ['collide', 'rename', 'two output columns would be named "error" and "Error": rename one of them'],
      ['dropped', 'rename', 'cannot rename column "line": it is not kept'],
      ['dropped', 'cast', 'cannot cast column "line": it is not kept'],
      ['empty', 'drop', 'no columns would be left'],
    ]);
    expect(check.problems.every((p) => p.code === 'bad-reference')).toBe(true);
    expect(check.schemas.get('fine')?.out).toEqual({
      kind: 'table',
      columns: [
        { name: 'error', type: 'VARCHAR' },
        { name: 'n', type: 'DOUBLE' },
      ],
    });
  });
});

describe('rename and cast entries', () => {
  it('splits old:new at the first colon, or after a bracketed name', () => {
    expect(parseRename('total_charges:charges')).toEqual({ from: 'total_charges', to: 'charges' });
    expect(parseRename(' a : b c ')).toEqual({ from: 'a', to: 'b c' });
    expect(parseRename('a:b:c')).toEqual({ from: 'a', to: 'b:c' });
    expect(parseRename('[x:y]:xy')).toEqual({ from: 'x:y', to: 'xy' });
    expect(parseRename('[a]]b]:[ c ]')).toEqual({ from: 'a]b', to: ' c ' });
    expect(parseRename('a:')).toEqual({ error: '"a:" needs a name on both sides of ":" (old:new)' });
    expect(parseRename('[a:b')).toEqual({ error: '"[a:b" is not of the form old:new' });
  });

  it('splits column:TYPE at the last colon and canonicalises the type', () => {
    expect(parseCast('a:b:int')).toEqual({ column: 'a:b', type: 'INTEGER' });
    expect(parseCast('x: Decimal( 12 , 4 )')).toEqual({ column: 'x', type: 'DECIMAL(12,4)' });
    expect(castType('text')).toBe('VARCHAR');
    expect(castType('DECIMAL(39,2)')).toBeUndefined();
    expect(castType('DECIMAL(5,6)')).toBeUndefined();
    expect(castType('VARCHAR); DROP TABLE x; --')).toBeUndefined();
    expect(parseCast('tenure')).toEqual({ error: '"tenure" is not of the form column:TYPE (e.g. tenure:DOUBLE)' });
  });
});
