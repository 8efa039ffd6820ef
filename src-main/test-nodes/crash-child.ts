/**
 * Child process for the crash test: runs a pipeline whose last node sleeps for a long time,
 * printing each node event as a JSON line, so the parent can SIGKILL it mid-run.
 * Usage: node --import tsx crash-child.ts HOME CSV
 */
import { openTestEngine, testDocument, testEdge, testNode } from './test-engine.js';

const [home, csv] = process.argv.slice(2);
const t = await openTestEngine({ home });
t.engine.onEvent((e) => {
  if (e.event === 'node' || e.event === 'run') process.stdout.write(JSON.stringify(e) + '\n');
});
const doc = testDocument(
  [
    testNode('read', 'ingest.csv', { path: csv }),
    testNode('profile', 'validate.profile'),
    testNode('slow', 'test.step', { value: 'never finishes', sleepMs: 60_000 }),
  ],
  [testEdge('read', 'profile', 'in', 'out'), testEdge('profile', 'slow', 'a', 'report')],
  'crash',
);
await t.run(doc);
