import { describe, expect, it } from 'vitest';
import { exampleText, example, poke } from './example.test-helpers.js';
import { parsePipelineText, type LoadResult } from './load.js';
import type { Migration } from './migrations.js';




/** The reason of a load that must be refused; fails the test if the load succeeded. */
function refused(result: LoadResult): string {
  expect(result.ok).toBe(false);
  if (result.ok) return '';
  // One line: the CLI prints it after "cannot open FILE: ".
  expect(result.reason).not.toContain('\n');
  expect(result.details.length).toBeGreaterThan(0);
  return result.reason;
}

describe('parsePipelineText: what is not a pipeline is refused with one line', () => {
  it('opens the shipped example', () => {
    const result = parsePipelineText(exampleText);
    expect(result).toEqual({ ok: true, document: example() });
  });

  it('names the line and column of a JSON syntax error', () => {
    const text = exampleText.replace('"name": "Penguins: read and profile",', '"name": Penguins,');
    const line = exampleText.split('\n').findIndex((l) => l.includes('"name": "Penguins')) + 1;
    expect(refused(parsePipelineText(text))).toBe(`not valid JSON (line ${line}, column 11: unexpected "P")`);
  });

  it('names the line and column whatever kind of syntax error V8 reports', () => {
    // V8 words these differently, and some of its messages carry no position at all.
    expect(refused(parsePipelineText('hello'))).toMatch(/^not valid JSON \(line 1, column 1: /);
    expect(refused(parsePipelineText('{\n  "a": 1,\n}'))).toMatch(/^not valid JSON \(line 3, column 1: /);
    expect(refused(parsePipelineText('{"a": 1}\n}'))).toMatch(/^not valid JSON \(line 2, column 1: /);
    expect(refused(parsePipelineText('{\n  "a": "x\ny"\n}'))).toMatch(/^not valid JSON \(line 2, column 10: /);
  });

  it('calls a file cut in half truncated, naming where it ends', () => {
    const half = exampleText.slice(0, Math.floor(exampleText.length / 2));
    const reason = refused(parsePipelineText(half));
    expect(reason).toMatch(/end of file/);
    expect(reason).toMatch(/truncated/);
    expect(reason).toContain(`line ${half.split('\n').length}`);
    // Cut anywhere, the file is truncated, never "unexpected token".
    for (const cut of [1, 50, 200, exampleText.length - 3]) {
      expect(refused(parsePipelineText(exampleText.slice(0, cut)))).toMatch(/truncated/);
    }
  });

  it('says an empty file is empty', () => {
    expect(refused(parsePipelineText(''))).toBe('not valid JSON (the file is empty)');
    expect(refused(parsePipelineText('  \n\n'))).toBe('not valid JSON (the file is empty)');
  });

  it('refuses JSON that is not an object', () => {
    expect(refused(parsePipelineText('[]'))).toBe('not a Plumb pipeline (the file is not a JSON object)');
    expect(refused(parsePipelineText('[{"format": "plumb.pipeline"}]'))).toMatch(/not a JSON object/);
    expect(refused(parsePipelineText('null'))).toMatch(/not a JSON object/);
    expect(refused(parsePipelineText('42'))).toMatch(/not a JSON object/);
  });

  it('refuses another format, naming the one found', () => {
    const reason = refused(parsePipelineText(JSON.stringify({ ...example(), format: 'knime.workflow' })));
    expect(reason).toBe('not a Plumb pipeline (format is "knime.workflow", expected "plumb.pipeline")');
    const { format: _f, ...noFormat } = example();
    expect(refused(parsePipelineText(JSON.stringify(noFormat)))).toMatch(/format is null/);
  });

  it('refuses a file from a newer version, whole, with the reason', () => {
    const newer = { ...example(), version: 3, somethingNew: { of: 'v3' } };
    const result = parsePipelineText(JSON.stringify(newer));
    expect(result.ok).toBe(false);
    expect('document' in result).toBe(false); // never half-read
    const reason = refused(result);
    expect(reason).toMatch(/newer Plumb/);
    expect(reason).toMatch(/format version 3/);
    expect(reason).toMatch(/reads up to 2/);
  });

  it('an older Plumb (reading up to version 1) refuses a file with notes, saying why', () => {
    const withNotes = { ...example(), notes: [{ id: 'n1', position: { x: 0, y: 0 }, text: 'why' }] };
    const reason = refused(parsePipelineText(JSON.stringify(withNotes), { currentVersion: 1, migrations: {} }));
    expect(reason).toBe('was saved by a newer Plumb (format version 2; this version reads up to 1). Update Plumb to open it.');
  });

  it('refuses an invalid version', () => {
    for (const version of [0, -1, 1.5, '1', null]) {
      const reason = refused(parsePipelineText(JSON.stringify({ ...example(), version })));
      expect(reason).toBe(`has an invalid format version ${JSON.stringify(version)}`);
    }
    const { version: _v, ...noVersion } = example();
    expect(refused(parsePipelineText(JSON.stringify(noVersion)))).toBe('has an invalid format version null');
  });

  it('names the path of a structural error with the node id', () => {
    const doc = example();
    poke(doc, ['nodes', 1, 'position', 'x'], 'left');
    const result = parsePipelineText(JSON.stringify(doc));
    const reason = refused(result);
    expect(reason).toMatch(/^is not a valid pipeline: nodes\[1\] \(id "profile"\)\.position\.x: /);
    expect(reason).toMatch(/expected number/);
  });

  it('names a missing field by its path, and counts the other problems', () => {
    const doc = example();
    poke(doc, ['nodes', 1, 'position']);
    doc.edges[0].to.port = '';
    const result = parsePipelineText(JSON.stringify(doc));
    const reason = refused(result);
    expect(reason).toMatch(/^is not a valid pipeline: nodes\[1\] \(id "profile"\)\.position: /);
    expect(reason).toMatch(/\(and 1 more\)$/);
    expect(result.ok === false && result.details).toEqual([
      expect.stringMatching(/^nodes\[1\] \(id "profile"\)\.position: /),
      expect.stringMatching(/^edges\[0\] \(id "e1"\)\.to\.port: /),
    ]);
  });

  it('refuses unknown fields rather than dropping them silently', () => {
    const doc = example();
    poke(doc, ['nodes', 0, 'colour'], 'red');
    expect(refused(parsePipelineText(JSON.stringify(doc)))).toMatch(/nodes\[0\] \(id "read_penguins"\)/);
  });

  it('opens a file that starts with a byte order mark', () => {
    const result = parsePipelineText('\uFEFF' + exampleText);
    expect(result.ok).toBe(true);
  });
});

describe('parsePipelineText: migrations', () => {
  /** A synthetic history: v1 called the description `notes`; v2 kept node labels in `title`. */
  function chain(calls: string[]): Record<number, Migration> {
    return {
      1: (doc) => {
        calls.push(`1->2 from v${String(doc.version)}`);
        const { notes, ...rest } = doc;
        return { ...rest, version: 2, description: notes, nodes: (doc.nodes as object[]).map((n) => ({ ...n, title: 'T' })) };
      },
      2: (doc) => {
        calls.push(`2->3 from v${String(doc.version)}`);
        return {
          ...doc,
          version: 3,
          nodes: (doc.nodes as Record<string, unknown>[]).map(({ title, ...n }) => ({ ...n, label: `${String(title)}!` })),
        };
      },
    };
  }

  function versionOne(): Record<string, unknown> {
    const { description, ...doc } = example();
    return { ...doc, version: 1, notes: description };
  }

  it('upgrades an old file through every step in order and says where it came from', () => {
    const calls: string[] = [];
    const result = parsePipelineText(JSON.stringify(versionOne()), { currentVersion: 3, migrations: chain(calls) });
    expect(calls).toEqual(['1->2 from v1', '2->3 from v2']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.migratedFrom).toBe(1);
    expect(result.document.description).toBe(example().description);
    expect(result.document.nodes.map((n) => n.label)).toEqual(['T!', 'T!']);
  });

  it('starts the chain at the file version', () => {
    const calls: string[] = [];
    const v2 = chain([])[1](versionOne());
    const result = parsePipelineText(JSON.stringify(v2), { currentVersion: 3, migrations: chain(calls) });
    expect(calls).toEqual(['2->3 from v2']);
    expect(result.ok && result.migratedFrom).toBe(2);
  });

  it('does not migrate a file already at the current version', () => {
    const calls: string[] = [];
    const result = parsePipelineText(JSON.stringify({ ...example(), version: 1 }), { currentVersion: 1, migrations: chain(calls) });
    expect(calls).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.ok && 'migratedFrom' in result).toBe(false);
  });

  it('refuses a file whose upgrade has a missing step', () => {
    const calls: string[] = [];
    const { 2: _missing, ...onlyFirst } = chain(calls);
    const reason = refused(parsePipelineText(JSON.stringify(versionOne()), { currentVersion: 3, migrations: onlyFirst }));
    expect(reason).toBe('cannot be upgraded from format version 2 (no migration to 3)');
  });

  it('still checks the structure after migrating', () => {
    const broken: Record<number, Migration> = { 1: (doc) => ({ ...doc, version: 2, nodes: 'gone' }) };
    const reason = refused(parsePipelineText(JSON.stringify({ ...example(), version: 1 }), { currentVersion: 2, migrations: broken }));
    expect(reason).toMatch(/^is not a valid pipeline: nodes: /);
  });
});

describe('parsePipelineText: the shipped migrations', () => {
  it('opens a version 1 file (before sticky notes) as the current version, with no notes', () => {
    const v1 = { ...example(), version: 1 };
    const result = parsePipelineText(JSON.stringify(v1, null, 2));
    expect(result).toEqual({ ok: true, document: { ...example(), version: 2 }, migratedFrom: 1 });
  });

  it('opens sticky notes and refuses broken ones, naming the note', () => {
    const doc = {
      ...example(),
      notes: [
        { id: 'n1', position: { x: 10, y: 20 }, size: { width: 200, height: 120 }, text: 'Split before fitting', color: 'yellow' },
        { id: 'n2', position: { x: -5, y: 0 }, text: '' },
      ],
    };
    const result = parsePipelineText(JSON.stringify(doc));
    expect(result.ok && result.document.notes).toEqual(doc.notes);
    const badColor = { ...doc, notes: [{ ...doc.notes[0], color: 'chartreuse' }] };
    expect(refused(parsePipelineText(JSON.stringify(badColor)))).toMatch(/^is not a valid pipeline: notes\[0\] \(id "n1"\)\.color: /);
    const twice = { ...doc, notes: [doc.notes[0], { ...doc.notes[1], id: 'n1' }] };
    expect(refused(parsePipelineText(JSON.stringify(twice)))).toBe('is not a valid pipeline: notes[1] (id "n1").id: duplicate note id "n1"');
    const flat = { ...doc, notes: [{ ...doc.notes[0], size: { width: 0, height: 10 } }] };
    expect(refused(parsePipelineText(JSON.stringify(flat)))).toMatch(/notes\[0\] \(id "n1"\)\.size\.width: /);
  });
});
