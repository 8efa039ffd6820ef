import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playgroundHandlers } from '../api/playground-handlers.js';
import { runModelFolder, type CaseOutcome } from './conformance.test-helpers.js';
import { Playground } from './playground.js';

/**
 * Foreign models: every model of ONNX's backend test data (Debian's libonnx-testdata) goes
 * through the playground API (inspect, then predict with each test_data_set's inputs as the
 * tensor editor's JSON) and its outputs are compared with the expected ones. All ~1,080 folders
 * are covered, two at a time (session creation and run are asynchronous in onnxruntime).
 */
const ROOT = '/usr/share/libonnx-testdata/data';
const GROUPS = ['node', 'simple', 'pytorch-converted', 'pytorch-operator', 'real'];

describe('libonnx-testdata through the playground API', () => {
  // One ort thread per session: two models run at a time on a 2-core machine, so more would only contend.
  const playground = new Playground({ maxSessions: 4, sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
  afterAll(() => playground.dispose());

  it('at least 90% of the models onnxruntime-node loads give the expected outputs', { timeout: 240_000 }, async () => {
    if (!existsSync(ROOT)) {
      throw new Error(`${ROOT} is missing: install ONNX's test data with \`sudo apt-get install libonnx-testdata\``);
    }
    const api = playgroundHandlers(playground);
    const dirs: string[] = [];
    for (const group of GROUPS) {
      if (!existsSync(join(ROOT, group))) continue;
      for (const name of (await readdir(join(ROOT, group))).sort()) dirs.push(join(ROOT, group, name));
    }
    const outcomes = new Map<string, CaseOutcome>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < dirs.length) {
        const dir = dirs[next++];
        outcomes.set(dir.slice(ROOT.length + 1), await runModelFolder(dir, api));
      }
    };
    await Promise.all([worker(), worker()]);

    const by = (status: CaseOutcome['status']): string[] => [...outcomes].filter(([, o]) => o.status === status).map(([d]) => d);
    const pass = by('pass').length;
    const fail = by('fail');
    const nonTensor = by('non-tensor');
    // Loaded by onnxruntime-node: passes, failures, and the models it loads whose inputs or
    // outputs are sequences/optionals (ort-node's JS API cannot feed those): counted as failures.
    const loadable = pass + fail.length + nonTensor.length;
    const reasons = [...outcomes]
      .filter(([, o]) => o.status === 'fail')
      .map(([d, o]) => `  ${d}: ${'reason' in o ? o.reason : ''}`)
      .join('\n');
    console.log(
      `libonnx-testdata: ${outcomes.size} folders, ${by('no-model').length} without a model (download URLs only), ` +
        `${by('not-loadable').length} refused by onnxruntime-node, ${loadable} loadable; ` +
        `${pass} pass (${((100 * pass) / loadable).toFixed(1)}% of loadable), ${fail.length} differ, ` +
        `${nonTensor.length} take or give non-tensor values\nfailures:\n${reasons}`,
    );
    expect(outcomes.size).toBeGreaterThan(1000);
    expect(loadable).toBeGreaterThan(900);
    expect(pass / loadable).toBeGreaterThanOrEqual(0.9);
    // Spot checks that the classification is right, not only the ratio.
    expect(outcomes.get('node/test_abs')).toEqual({ status: 'pass' });
    expect(outcomes.get('simple/test_sign_model')).toEqual({ status: 'pass' });
    expect(outcomes.get('real/test_resnet50')?.status).toBe('no-model');
  });
});
