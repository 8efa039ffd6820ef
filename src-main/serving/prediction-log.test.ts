import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveAccuracy, readJsonl, RotatingLog, type LoggedPrediction } from './prediction-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h4-serving-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RotatingLog', () => {
  it('stays under its byte cap by dropping the oldest segments, and keeps the newest records', async () => {
    const log = new RotatingLog(dir, 'predictions', 8192);
    for (let i = 0; i < 500; i++) {
      log.append([{ request_id: `r${i}`, row: 0, value: 'x'.repeat(40) }]);
      log.flush();
    }
    const files = log.files();
    expect(files.length).toBeGreaterThan(1);
    let total = 0;
    for (const f of files) total += (await stat(f)).size;
    expect(total).toBeLessThanOrEqual(8192);
    const kept = readJsonl<{ request_id: string }>(files).map((r) => r.request_id);
    expect(kept.at(-1)).toBe('r499');
    // Contiguous: whole oldest segments went, nothing in the middle.
    const first = Number(kept[0].slice(1));
    expect(kept).toEqual(Array.from({ length: 500 - first }, (_, i) => `r${first + i}`));
    expect((await readdir(dir)).every((n) => /^predictions-\d{6}\.jsonl$/.test(n))).toBe(true);
  });

  it('continues in a new segment after a restart and skips a torn last line', async () => {
    const a = new RotatingLog(dir, 'feedback', 1 << 20);
    a.append([{ id: 'a', row: 0, label: 'x' }]);
    a.flush();
    await writeFile(a.files()[0], '{"id":"b","row":0,"lab', { flag: 'a' });
    const b = new RotatingLog(dir, 'feedback', 1 << 20);
    b.append([{ id: 'c', row: 0, label: 'y' }]);
    await new Promise((r) => setImmediate(r)); // written on the next turn by itself
    expect(b.files()).toHaveLength(2);
    expect(readJsonl<{ id: string }>(b.files()).map((r) => r.id)).toEqual(['a', 'c']);
  });
});

describe('liveAccuracy', () => {
  const p = (id: string, row: number, version: number, predicted: string | number | null, role = 'primary'): LoggedPrediction => ({ request_id: id, row, version, role, predicted });
  it('joins labels to logged rows by request and row, per version, shadows apart', () => {
    const predictions = [p('a', 0, 1, 'true'), p('a', 1, 1, 'false'), p('b', 0, 2, 'true', 'candidate'), p('b', 0, 3, 'false', 'shadow'), p('c', 0, 1, 'true'), p('d', 0, 1, null)];
    const feedback = [
      { id: 'a', row: 0, label: true },
      { id: 'a', row: 1, label: 'true' },
      { id: 'b', row: 0, label: 'false' },
      { id: 'x', row: 0, label: 'true' }, // no such request: ignored
      { id: 'd', row: 0, label: 'true' }, // refused row: not counted
      { id: 'a', row: 1, label: 'false' }, // a correction: the last label wins
    ];
    expect(liveAccuracy(predictions, feedback)).toEqual([
      { version: 1, labelled: 2, correct: 2, accuracy: 1, mae: null, shadowLabelled: 0, shadowAccuracy: null },
      { version: 2, labelled: 1, correct: 0, accuracy: 0, mae: null, shadowLabelled: 0, shadowAccuracy: null },
      { version: 3, labelled: 0, correct: 0, accuracy: null, mae: null, shadowLabelled: 1, shadowAccuracy: 1 },
    ]);
  });

  it('gives a regression the mean absolute error', () => {
    const acc = liveAccuracy([p('a', 0, 1, 10), p('a', 1, 1, 4)], [{ id: 'a', row: 0, label: 12 }, { id: 'a', row: 1, label: 3 }]);
    expect(acc).toEqual([{ version: 1, labelled: 2, correct: 0, accuracy: null, mae: 1.5, shadowLabelled: 0, shadowAccuracy: null }]);
  });
});
