/** Runs one ingest.csv through the engine in a fresh process and prints its peak RSS. */
import { openTestEngine, testDocument, testNode } from '../src-main/test-nodes/test-engine.js';

const [csv, home] = process.argv.slice(2);
const t = await openTestEngine({ home });
const { outcome } = await t.run(testDocument([testNode('read', 'ingest.csv', { path: csv })], [], 'rss'), { force: true });
await t.dispose();
if (outcome.status !== 'succeeded') throw new Error(`ingest failed: ${outcome.error ?? ''}`);
// resourceUsage().maxRSS is in kilobytes and covers every thread of the process, workers included.
console.log(`maxRssMb=${Math.round(process.resourceUsage().maxRSS / 1024)}`);
