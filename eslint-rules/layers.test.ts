import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `rel`, and returns the layer rule's messages. */
async function layerErrors(rel: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, rel) });
  return result.messages.filter((m) => m.ruleId === 'plumb/layers' && m.severity === 2).map((m) => m.message);
}

describe('import boundaries (DESIGN.md section 1)', () => {
  it('fails the build when src-renderer imports src-main', async () => {
    const errors = await layerErrors(
      'src-renderer/components/Fixture.tsx',
      "import { createPlumbApp } from '../../src-main/composition.js';\nexport const x = createPlumbApp;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/src-renderer.*may not import src-main\/composition/);
  });

  it('refuses a node run function and Node built-ins in the renderer', async () => {
    const errors = await layerErrors(
      'src-renderer/x.ts',
      "import { runIngestCsv } from '../nodes/ingest-csv/run.js';\nimport { readFile } from 'node:fs';\nexport const y = [runIngestCsv, readFile];\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('keeps src-shared pure and specs free of run code', async () => {
    expect(await layerErrors('src-shared/x.ts', "import { z } from '../src-main/data/duckdb.js';\nexport const q = z;\n")).toHaveLength(1);
    expect(await layerErrors('src-shared/x.ts', "import path from 'path';\nexport const q = path;\n")).toHaveLength(1);
    expect(await layerErrors('nodes/foo/spec.ts', "import { runners } from '../runners.js';\nexport const q = runners;\n")).toHaveLength(1);
  });

  it('keeps the engine from importing nodes/ and src-main from importing the renderer', async () => {
    expect(await layerErrors('src-main/engine/x.ts', "import { catalogue } from '../../nodes/index.js';\nexport const q = catalogue;\n")).toHaveLength(1);
    expect(await layerErrors('src-main/api/x.ts', "import { a } from '../../src-renderer/app.js';\nexport const q = a;\n")).toHaveLength(1);
  });

  it('allows the directions the design allows', async () => {
    expect(await layerErrors('src-renderer/x.ts', "import { catalogue } from '../nodes/index.js';\nimport { z } from '../src-shared/index.js';\nexport const q = [catalogue, z];\n")).toEqual([]);
    expect(await layerErrors('nodes/foo/run.ts', "import { quoteIdent } from '../../src-main/data/duckdb.js';\nexport const q = quoteIdent;\n")).toEqual([]);
    expect(await layerErrors('src-main/composition.ts', "import { runners } from '../nodes/runners.js';\nexport const q = runners;\n")).toEqual([]);
  });
});
