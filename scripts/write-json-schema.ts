// Writes the JSON Schema of the pipeline file (generated from the zod definition in
// src-shared/pipeline/document.ts) to schemas/plumb.pipeline.schema.json, for editors and CI
// checks outside the app. src-shared/pipeline/json-schema.test.ts fails when the committed file
// is stale.
//
// Usage: npm run schema   (tsx scripts/write-json-schema.ts [OUT])

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineJsonSchema } from '../src-shared/pipeline/json-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'schemas', 'plumb.pipeline.schema.json'));

// Two-space indent and a final newline, like the pipeline files themselves.
const text = JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, text);
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
