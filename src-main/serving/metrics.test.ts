import { describe, expect, it } from 'vitest';
import { ServingMetrics } from './metrics.js';
import { parsePrometheus, sampleValue, sumOf } from './prometheus.test-helpers.js';

describe('ServingMetrics', () => {
  it('exposes counters, latency histograms and prediction counts that parse strictly and add up', () => {
    let t = 10_000;
    const m = new ServingMetrics('churn "v"\\x', () => t);
    for (let i = 0; i < 7; i++) m.request(1, 200, 0.0015 * (i + 1));
    m.request(2, 200, 0.004);
    m.request(2, 500, 0.002);
    m.request(1, 400, null);
    m.request(null, 401, null);
    m.predictions(1, ['true', 'false', 'false'], []);
    m.predictions(2, [], [1.5, -20]);
    m.shadow(2, false);
    t += 2500;
    const e = parsePrometheus(m.prometheus(new Map([[1, 'primary'], [2, 'candidate']])));
    expect(e.types.get('plumb_request_duration_seconds')).toBe('histogram');
    expect(sumOf(e, 'plumb_requests_total')).toBe(11);
    expect(sampleValue(e, 'plumb_requests_total', { version: '1', code: '200' })).toBe(7);
    expect(sampleValue(e, 'plumb_requests_total', { version: 'none', code: '401' })).toBe(1);
    expect(sampleValue(e, 'plumb_request_errors_total', { version: '2' })).toBe(1);
    expect(sampleValue(e, 'plumb_request_duration_seconds_count', { version: '1' })).toBe(7);
    expect(sampleValue(e, 'plumb_request_duration_seconds_bucket', { version: '1', le: '0.002' })).toBe(1);
    expect(sampleValue(e, 'plumb_request_duration_seconds_bucket', { version: '1', le: '0.005' })).toBe(3);
    expect(sampleValue(e, 'plumb_request_duration_seconds_sum', { version: '1' })).toBeCloseTo(0.0015 * 28, 9);
    expect(sampleValue(e, 'plumb_predictions_total', { version: '1', label: 'false' })).toBe(2);
    expect(sampleValue(e, 'plumb_prediction_value_bucket', { version: '2', le: '-10' })).toBe(1);
    expect(sampleValue(e, 'plumb_shadow_predictions_total', { version: '2', outcome: 'error' })).toBe(1);
    expect(sampleValue(e, 'plumb_model_info', { version: '2', role: 'candidate' })).toBe(1);
    // The label value's quote and backslash came back through the escapes.
    expect(e.samples.find((s) => s.name === 'plumb_model_info')?.labels.name).toBe('churn "v"\\x');

    const stats = m.stats();
    expect(stats).toMatchObject({ requests: 11, errors: 1, rejected: 2 });
    expect(stats.versions.map((v) => [v.version, v.requests, v.errors, v.rows])).toEqual([[1, 8, 0, 3], [2, 2, 1, 2]]);
    expect(stats.versions[0].p50Ms).toBeCloseTo(6, 6); // nearest rank: the 4th of 1.5..10.5 ms
    // Three seconds: the busy one and two quiet ones after it.
    expect(stats.series.map((p) => p.requests)).toEqual([11, 0, 0]);
    expect(stats.series[0].byVersion).toEqual({ 1: 8, 2: 2 });
  });

  it('the parser refuses what Prometheus would refuse', () => {
    expect(() => parsePrometheus('x 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheus('# TYPE x counter\nx{a="1} 1\n')).toThrow(/unterminated/);
    expect(() => parsePrometheus('# TYPE x counter\nx one\n')).toThrow(/bad number/);
    expect(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n')).toThrow(/cumulative/);
  });
});
