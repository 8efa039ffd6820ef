import type { ApiResponse, OnnxSignature, TensorOutput } from '../../src-shared/api/contract.js';

/** What the playground shows for one prediction, read from a playground.predict answer. */
export type PredictionView =
  | {
      readonly kind: 'class';
      readonly label: string;
      /** In the model's class order when it states one, else by descending probability. */
      readonly probabilities: readonly { readonly label: string; readonly p: number }[];
      /** The model answered NaN or no label: Plumb's export does that for a row the app would refuse. */
      readonly refused: boolean;
      readonly runMs: number;
      readonly totalMs: number;
    }
  | {
      readonly kind: 'value';
      readonly value: number | null;
      readonly refused: boolean;
      readonly target: string | null;
      readonly runMs: number;
      readonly totalMs: number;
    }
  | { readonly kind: 'tensors'; readonly outputs: readonly TensorView[]; readonly runMs: number; readonly totalMs: number };

export interface TensorView {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
  /** The values, nested by dims, as JSON; cut short past PREVIEW_VALUES values. */
  readonly text: string;
  readonly truncated: boolean;
}

export type PredictAnswer = ApiResponse<'playground.predict'>;

const PREVIEW_VALUES = 200;

export function nestValues(data: readonly unknown[], dims: readonly number[]): unknown {
  if (dims.length <= 1) return [...data];
  const [, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  if (size === 0) return [];
  const out: unknown[] = [];
  for (let i = 0; i < data.length; i += size) out.push(nestValues(data.slice(i, i + size), rest));
  return out;
}

export function tensorView(name: string, t: TensorOutput): TensorView {
  const truncated = t.data.length > PREVIEW_VALUES;
  const data = truncated ? t.data.slice(0, PREVIEW_VALUES) : t.data;
  const nested = truncated || t.dims.length === 0 ? data : nestValues(data, t.dims);
  return { name, type: t.type, dims: t.dims, text: JSON.stringify(nested), truncated };
}

export function predictionView(answer: PredictAnswer, signature: OnnxSignature | null): PredictionView {
  const times = { runMs: answer.runMs, totalMs: answer.totalMs };
  const first = answer.predictions?.[0];
  if (first && 'label' in first) {
    const classes = signature?.plumb?.classes ?? null;
    const probs: Record<string, number> = {};
    for (const [label, p] of Object.entries(first.probabilities ?? {})) if (p !== null) probs[label] = p;
    const refused = first.refused === true || Object.values(first.probabilities ?? {}).some((p) => p === null);
    const order = classes && classes.every((c) => c in probs) ? classes : Object.keys(probs).sort((a, b) => probs[b] - probs[a]);
    return { kind: 'class', label: first.label, probabilities: order.map((label) => ({ label, p: probs[label] })), refused, ...times };
  }
  if (first && 'value' in first) {
    return { kind: 'value', value: first.value, refused: first.refused === true, target: signature?.plumb?.target ?? null, ...times };
  }
  return { kind: 'tensors', outputs: Object.entries(answer.outputs).map(([name, t]) => tensorView(name, t)), ...times };
}

export const probabilitySum = (probabilities: readonly { p: number }[]): number => probabilities.reduce((a, b) => a + b.p, 0);

export const formatProbability = (p: number): string => `${(p * 100).toFixed(1)}%`;

/**
 * The ECharts option of the probability chart: one bar per class, the predicted one in the
 * accent colour. Pure data, so the chart's content is tested without a canvas.
 */
export function probabilityChartOption(probabilities: readonly { label: string; p: number }[], predicted: string) {
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
    xAxis: { type: 'category' as const, data: probabilities.map((c) => c.label), axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value' as const, min: 0, max: 1, splitNumber: 4 },
    series: [
      {
        type: 'bar' as const,
        name: 'probability',
        barMaxWidth: 48,
        data: probabilities.map((c) => ({
          value: c.p,
          name: c.label,
          itemStyle: { color: c.label === predicted ? '#2563eb' : '#9db7ef' },
        })),
        label: {
          show: true,
          position: 'top' as const,
          formatter: (params: { value?: unknown }) => (typeof params.value === 'number' ? formatProbability(params.value) : ''),
        },
      },
    ],
  };
}
