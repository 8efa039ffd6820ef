import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { memo, useEffect, useRef } from 'react';
import { probabilityChartOption } from '../../playground/prediction.js';

// SVG rather than canvas: bars and labels are DOM nodes (readable by tests and screen readers),
// and a chart of a handful of bars costs nothing to draw this way.
echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

interface Props {
  readonly probabilities: readonly { label: string; p: number }[];
  readonly predicted: string;
  readonly testId: string;
}

export const ProbabilityChart = memo(function ProbabilityChart({ probabilities, predicted, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(probabilityChartOption(probabilities, predicted), { notMerge: true });
  }, [probabilities, predicted]);

  return (
    <div
      ref={ref}
      className="probability-chart"
      data-testid={testId}
      role="img"
      aria-label={`Class probabilities: ${probabilities.map((c) => `${c.label} ${(c.p * 100).toFixed(1)}%`).join(', ')}`}
    />
  );
});
