import { describe, expect, it } from 'vitest';
import { API, OnnxSignature } from '../../src-shared/api/contract.js';
import telco from './fixtures/telco-churn-model.json' with { type: 'json' };
import { nestValues, predictionView, probabilityChartOption, probabilitySum } from './prediction.js';

const signature = OnnxSignature.parse(telco.signature);
// The answer onnxruntime gave for one telco row (recorded, parsed as the bridge would).
const answer = API['playground.predict'].response.parse(telco.answer);

describe('prediction view', () => {
  it('reads the label and the class probabilities of the telco model, in class order, summing to 1', () => {
    const view = predictionView(answer, signature);
    expect(view.kind).toBe('class');
    if (view.kind !== 'class') return;
    expect(view.label).toBe('true');
    expect(view.refused).toBe(false);
    expect(view.probabilities.map((c) => c.label)).toEqual(['false', 'true']);
    expect(view.probabilities[1].p).toBeCloseTo(0.674, 3);
    expect(probabilitySum(view.probabilities)).toBeCloseTo(1, 6);
    expect(view.runMs).toBe(answer.runMs);
  });

  it('marks a row the model refused (NaN probabilities) and leaves those out of the chart', () => {
    const refused = { ...answer, predictions: [{ label: '', probabilities: { false: null, true: null }, refused: true }] };
    const view = predictionView(refused, signature);
    expect(view).toMatchObject({ kind: 'class', refused: true, probabilities: [] });
  });

  it('reads a regression value, and shows a foreign model’s outputs nested by their dims', () => {
    expect(predictionView({ outputs: {}, predictions: [{ value: 151.2 }], runMs: 1, totalMs: 2 }, null)).toMatchObject({ kind: 'value', value: 151.2, refused: false });
    const foreign = predictionView({ outputs: { C: { type: 'float32', dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } }, runMs: 1, totalMs: 2 }, null);
    expect(foreign).toMatchObject({ kind: 'tensors', outputs: [{ name: 'C', type: 'float32', dims: [2, 3], text: '[[1,2,3],[4,5,6]]', truncated: false }] });
    expect(nestValues([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  });

  it('builds a bar per class, the predicted one highlighted, labelled in percent', () => {
    const view = predictionView(answer, signature);
    if (view.kind !== 'class') throw new Error('expected a class');
    const option = probabilityChartOption(view.probabilities, view.label);
    expect(option.xAxis.data).toEqual(['false', 'true']);
    expect(option.series[0].data.map((d) => d.value)).toEqual(view.probabilities.map((c) => c.p));
    expect(option.series[0].data.map((d) => d.itemStyle.color)).toEqual(['#9db7ef', '#2563eb']);
    expect(option.series[0].label.formatter({ value: view.probabilities[1].p })).toBe('67.4%');
  });
});
