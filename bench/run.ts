/**
 * `npm run bench`: performance figures as ratios against a reference measured in the same
 * invocation, never absolute timings in tests. Reads ../shared/data when present (the real
 * data sets); says so and falls back to the shipped sample when it is not.
 */
import { benchIngest } from './ingest.bench.js';

const sections: [string, () => Promise<void>][] = [['ingest', benchIngest]];

const only = process.argv[2];
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  console.log(`\n## ${name}`);
  await run();
}
