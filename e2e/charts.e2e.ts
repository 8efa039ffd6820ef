import { expect, test, type Download, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyDocument } from '../src-shared/pipeline/document.js';
import { openPipeline } from './helpers.js';

/**
 * The charts panel's journeys, on breast_cancer (569 rows): a pipeline that trains and evaluates a
 * logistic regression, checks drift between its split halves and registers the model. Run three
 * times with different C, then compared in Experiments; its drift report opened column by column;
 * the registered model's lineage followed back to the CSV it came from. The journeys share the
 * runs, so they run in order.
 */
test.describe.configure({ mode: 'serial' });

const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;
const MODEL_NAME = 'bc-charts-e2e';

const node = (id: string, type: string, x: number, y: number, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x, y }, params });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

function writePipeline(): string {
  const path = join(work(), 'examples', 'charts-breast-cancer.plumb');
  const doc = {
    ...emptyDocument('charts-breast-cancer', 'Breast cancer charts'),
    nodes: [
      node('bc', 'ingest.csv', 40, 120, { path: '../samples/breast_cancer.csv' }),
      node('split', 'split.train_test', 300, 120, { method: 'stratified', stratify: 'diagnosis', seed: 0 }),
      node('model', 'train.logistic_regression', 560, 40, { target: 'diagnosis', C: 1, max_iter: 1000 }),
      node('evaluate', 'evaluate.model', 820, 40, { permutation_importance: false }),
      node('drift', 'monitor.drift', 560, 260, {}),
      node('deploy', 'deploy.onnx', 820, 200, { name: MODEL_NAME }),
    ],
    edges: [
      edge('e1', 'bc', 'out', 'split', 'in'),
      edge('e2', 'split', 'train', 'model', 'train'),
      edge('e3', 'model', 'model', 'evaluate', 'model'),
      edge('e4', 'split', 'test', 'evaluate', 'data'),
      edge('e5', 'split', 'train', 'drift', 'reference'),
      edge('e6', 'split', 'test', 'drift', 'current'),
      edge('e7', 'model', 'model', 'deploy', 'model'),
      edge('e8', 'split', 'test', 'deploy', 'data'),
    ],
  };
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

/** Runs the pipeline with the Charts tab open; the table refreshes itself when the run ends. */
async function runAndWaitForRows(page: Page, rows: number): Promise<void> {
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('experiments-count')).toContainText(`${rows} runs`, { timeout: 45_000 });
}

async function setC(page: Page, value: string): Promise<void> {
  await page.getByTestId('tab-inspector').click();
  await page.getByTestId('node-model').click();
  const c = page.getByTestId('param-C').locator('input');
  await c.fill(value);
  await c.press('Enter');
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

const axisTexts = (page: Page, chart: string) => page.getByTestId(chart).locator('svg text');

test('three runs with different C are compared: bars and parallel coordinates follow the selection', async ({ page }) => {
  const path = writePipeline();
  await page.goto(url());
  await openPipeline(page, path);
  await page.getByTestId('tab-charts').click();
  await expect(page.getByTestId('experiments-empty')).toBeVisible();

  await runAndWaitForRows(page, 1);
  await setC(page, '0.01');
  await runAndWaitForRows(page, 2);
  await setC(page, '100');
  await runAndWaitForRows(page, 3);

  // Newest first; the C column shows each run's value.
  const rows = page.getByTestId('experiment-row');
  await expect(rows).toHaveCount(3);
  await page.getByTestId('exp-head-model.C').click();
  await expect(page.getByTestId('exp-head-model.C')).toHaveAttribute('aria-sort', 'ascending');
  const runIds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')!));

  // Two runs selected: two bars labelled by run, and parallel axes C -> metric.
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  await expect(page.getByTestId('compare')).toBeVisible();
  await page.getByTestId('compare-metric').selectOption('evaluate.roc_auc');
  const label = (id: string) => id.slice(-8);
  await expect(axisTexts(page, 'metric-bars').filter({ hasText: label(runIds[0]) })).toHaveCount(1);
  await expect(axisTexts(page, 'metric-bars').filter({ hasText: label(runIds[1]) })).toHaveCount(1);
  await expect(axisTexts(page, 'metric-bars').filter({ hasText: label(runIds[2]) })).toHaveCount(0);
  await expect(axisTexts(page, 'parallel').filter({ hasText: 'model.C' })).toHaveCount(1);
  await expect(axisTexts(page, 'parallel').filter({ hasText: 'evaluate.roc_auc' })).toHaveCount(1);
  await expect(page.getByTestId('param-diff').locator('tr.differs')).toHaveCount(1);
  await expect(page.getByTestId('roc')).toBeVisible();
  await expect(page.getByTestId('confusion-matrices').locator('table')).toHaveCount(2);

  // The third run joins: the bars and the parallel lines update.
  await rows.nth(2).getByRole('checkbox').check();
  await expect(axisTexts(page, 'metric-bars').filter({ hasText: label(runIds[2]) })).toHaveCount(1);
  await expect(page.getByTestId('confusion-matrices').locator('table')).toHaveCount(3);
  await expect(page.getByTestId('experiments-count')).toContainText('3 selected');

  // Exports: the bar chart as PNG and SVG, the comparison as a standalone HTML file.
  const png = await downloaded(page, () => page.getByTestId('metric-bars-png').click());
  expect(png.name).toBe('bars-evaluate.roc_auc.png');
  expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
  const svg = await downloaded(page, () => page.getByTestId('metric-bars-svg').click());
  expect(svg.bytes.toString()).toContain('<svg');
  const html = await downloaded(page, () => page.getByTestId('export-evaluation').click());
  const text = html.bytes.toString();
  expect(text).not.toMatch(/<script/i);
  expect(text).toContain('Confusion matrices');
  expect(text.match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);

  // The filter narrows the table.
  await page.getByTestId('experiments-filter').fill('model.C<1');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('experiments-count')).toContainText('1 of 3 runs');
});

test("a drift report opens with its verdict, and a column's distributions overlay reference and current", async ({ page }) => {
  await page.goto(url());
  await openPipeline(page, join(work(), 'examples', 'charts-breast-cancer.plumb'));
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('charts-view-drift').click();
  await expect(page.getByTestId('drift-summary')).toContainText('columns drifted');
  const driftRows = page.getByTestId('drift-row');
  await expect(driftRows).toHaveCount(31);

  // Sorting by column name, descending.
  await page.getByTestId('drift-sort-name').click();
  await page.getByTestId('drift-sort-name').click();
  await expect(driftRows.first()).toHaveAttribute('data-column', 'worst_texture');

  await page.locator('[data-testid=drift-row][data-column=mean_radius] button').click();
  const chart = page.getByTestId('drift-distribution');
  await expect(chart).toBeVisible();
  await expect(chart.locator('svg text').filter({ hasText: 'mean_radius: ks' })).toHaveCount(1);
  await expect(chart.locator('svg text').filter({ hasText: 'reference' })).toHaveCount(1);
  await expect(chart.locator('svg text').filter({ hasText: 'current' })).toHaveCount(1);

  const html = await downloaded(page, () => page.getByTestId('export-drift').click());
  const text = html.bytes.toString();
  expect(html.name).toMatch(/^drift-drift-.+\.html$/);
  expect(text).not.toMatch(/<script|<link/i);
  expect(text).toContain('mean_radius');
  expect(html.bytes.length).toBeLessThan(1_000_000);
});

test("a registered model's lineage leads back to its source file", async ({ page }) => {
  await page.goto(url());
  await openPipeline(page, join(work(), 'examples', 'charts-breast-cancer.plumb'));
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('charts-view-lineage').click();
  await page.getByTestId('lineage-model').selectOption(MODEL_NAME);
  const graph = page.getByTestId('lineage-graph');
  await expect(graph.locator('svg text').filter({ hasText: 'breast_cancer.csv' })).toHaveCount(1);
  await expect(page.getByTestId('lineage-counts')).toContainText('1 file');

  // Click the file in the graph itself: its details name the CSV on disk.
  await graph.locator('svg text').filter({ hasText: 'breast_cancer.csv' }).click();
  const details = page.getByTestId('lineage-details');
  await expect(details).toHaveAttribute('data-kind', 'file');
  await expect(page.getByTestId('lineage-detail-path')).toHaveText(join(work(), 'samples', 'breast_cancer.csv'));

  // And on from there: the file's own lineage shows what was made from it.
  await page.getByTestId('lineage-recenter').click();
  await expect(page.getByTestId('lineage-subject')).toHaveValue(/^[0-9a-f]{16,}$/);
  await expect(page.getByTestId('lineage-counts')).toContainText('modelVersion');
});
