import { BarChart, GraphChart, LineChart, ParallelChart } from 'echarts/charts';
import { GridComponent, LegendComponent, ParallelComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { memo, useEffect, useRef } from 'react';
import { useActions } from '../../app/context.js';
import type { ChartOption } from './chart-options.js';
import { downloadBlob, svgToPngBlob } from './download.js';

// SVG rather than canvas: marks and labels are DOM nodes (readable by tests and screen readers),
// SVG export is the chart itself, and PNG export rasterises that same SVG.
echarts.use([BarChart, LineChart, ParallelChart, GraphChart, GridComponent, LegendComponent, ParallelComponent, TitleComponent, TooltipComponent, SVGRenderer]);

interface Props {
  readonly option: ChartOption;
  readonly testId: string;
  /** What the chart shows, for screen readers and the export file name. */
  readonly label: string;
  readonly fileName: string;
  readonly height?: number;
  /** Clicks on a data item (a bar, a graph node): its `id` or name. */
  readonly onItemClick?: (id: string) => void;
}

export const EChart = memo(function EChart({ option, testId, label, fileName, height = 240, onItemClick }: Props) {
  const { pushToast } = useActions();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onItemClick);
  clickRef.current = onItemClick;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (p) => {
      const data = p.data as { id?: string } | undefined;
      const id = data?.id ?? p.name;
      if (id) clickRef.current?.(id);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  const exportSvg = () => {
    const svg = chart.current?.renderToSVGString();
    if (svg) downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), `${fileName}.svg`);
  };
  const exportPng = async () => {
    const instance = chart.current;
    if (!instance) return;
    try {
      const blob = await svgToPngBlob(instance.renderToSVGString(), instance.getWidth(), instance.getHeight(), 2);
      downloadBlob(blob, `${fileName}.png`);
    } catch (e) {
      pushToast('error', `Could not export ${fileName}.png: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <figure className="chart" data-testid={testId}>
      <div className="chart-actions">
        <button type="button" className="icon-button" onClick={exportSvg} data-testid={`${testId}-svg`} title="Export as SVG">
          SVG
        </button>
        <button type="button" className="icon-button" onClick={() => void exportPng()} data-testid={`${testId}-png`} title="Export as PNG">
          PNG
        </button>
      </div>
      <div ref={ref} className="chart-canvas" style={{ height }} role="img" aria-label={label} />
    </figure>
  );
});
