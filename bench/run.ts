/**
 * `npm run bench`: performance figures as ratios against a reference measured in the same
 * invocation, never absolute timings in tests. Reads ../shared/data when present (the real
 * data sets); says so and falls back to the shipped sample when it is not.
 * `npm run bench -- engine` runs one section (ingest, engine, lineage, data, ml, inference, drift, canvas, charts, serving).
 */
import { benchCanvas } from './canvas.bench.js';
import { benchCharts } from './charts.bench.js';
import { benchData } from './data.bench.js';
import { benchDrift } from './drift.bench.js';
import { benchEngine } from './engine.bench.js';
import { benchInference } from './inference.js';
import { benchIngest } from './ingest.bench.js';
import { benchLineage } from './lineage.bench.js';
import { benchMl } from './ml.bench.js';
import { benchServing } from './serving.bench.js';

const sections: [string, () => Promise<void>][] = [
  ['ingest', benchIngest],
  ['engine', benchEngine],
  ['lineage', benchLineage],
  ['data', benchData],
  ['ml', benchMl],
  ['inference', benchInference],
  ['canvas', benchCanvas],
  ['drift', benchDrift],
  ['charts', benchCharts],
  ['serving', benchServing],
];

const only = process.argv[2];
if (only && !sections.some(([name]) => name === only)) {
  console.error(`bench: no section "${only}" (sections: ${sections.map(([n]) => n).join(', ')})`);
  process.exit(2);
}
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  console.log(`\n## ${name}`);
  await run();
}
