import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addModel } from '../src-main/inference/test-models.test-helpers.js';
import { openPipeline as openFile } from './helpers.js';

/**
 * The playground, as a user meets it: train and deploy the telco churn model, open the
 * registered version, fill the form, predict and read the chart; predict a CSV and download it.
 * Then a foreign model with the tensor editor, and the errors a user can cause.
 */
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;

async function openPipeline(page: Page, path: string): Promise<void> {
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
  await openFile(page, path);
}

/** New customers: raw telco rows without the churn column (and without the rows lacking total charges). */
function newCustomersCsv(rows: number): { path: string; header: string[]; rows: number } {
  const lines = readFileSync(join(work(), 'samples', 'telco_churn.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const churn = header.indexOf('"churn"');
  const drop = (cells: string[]): string[] => cells.filter((_, i) => i !== churn);
  const body = lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((cells) => cells[header.indexOf('"total_charges"')] !== '')
    .slice(0, rows)
    .map((cells) => drop(cells).join(','));
  const path = join(work(), 'telco-new-customers.csv');
  writeFileSync(path, [drop(header).join(','), ...body].join('\n') + '\n');
  return { path, header: drop(header).map((h) => h.replace(/"/g, '')), rows: body.length };
}

/** A row typed into the form: the second telco customer of the month, on fibre, month to month. */
const CUSTOMER: Record<string, string> = {
  tenure: '2',
  monthly_charges: '70.7',
  total_charges: '151.65',
  partner: '1',
  phone_service: '1',
  paperless_billing: '1',
};
const CUSTOMER_CHOICES: Record<string, string> = {
  internet_service: 'Fiber optic',
  contract: 'Month-to-month',
  payment_method: 'Electronic check',
  multiple_lines: 'No',
};

test('train and deploy telco churn, predict a typed customer, then a CSV of new customers, and download it', async ({ page }) => {
  test.setTimeout(180_000);
  await openPipeline(page, join(work(), 'examples', 'telco-churn-deploy.plumb'));
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('node-status-deploy')).toHaveText(/succeeded|cached/);

  // The pane is a command with a shortcut, as well as a tab.
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+Shift+P');
  await expect(page.getByTestId('playground')).toBeVisible();

  const picker = page.getByTestId('registry-select-a');
  const version = picker.locator('option', { hasText: /^telco-churn v\d+/ }).first();
  await expect(version).toBeAttached();
  await picker.selectOption((await version.getAttribute('value'))!);
  await expect(page.getByTestId('slot-title-a')).toHaveText(/^telco-churn v\d+/);

  // The signature: a graph that reads the raw columns, with Plumb's metadata.
  await expect(page.getByTestId('signature-producer-a')).toContainText('plumb');
  await expect(page.getByTestId('signature-opsets-a')).toContainText('ai.onnx.ml');
  await expect(page.getByTestId('signature-inputs-a')).toContainText('contract');
  await expect(page.getByTestId('signature-outputs-a')).toContainText('probabilities');

  // The form: numbers as text fields, categories as choices.
  const form = page.getByTestId('playground-form');
  await expect(form.locator('[data-testid^="pg-field-"]')).toHaveCount(19);
  await expect(page.getByTestId('pg-field-contract').locator('select option')).toHaveText(['Month-to-month', 'One year', 'Two year']);
  for (const [name, value] of Object.entries(CUSTOMER)) await page.getByTestId(`pg-field-${name}`).locator('input[type="text"]').fill(value);
  for (const [name, value] of Object.entries(CUSTOMER_CHOICES)) await page.getByTestId(`pg-field-${name}`).locator('select').selectOption(value);

  // A typo is named under its field before anything is sent.
  const tenure = page.getByTestId('pg-field-tenure').locator('input');
  await tenure.fill('two');
  await expect(page.getByTestId('pg-field-tenure')).toContainText('tenure: "two" is not a number');
  await tenure.fill('2');

  // Ctrl+Enter inside the pane predicts (it does not run the pipeline).
  await tenure.press('Control+Enter');
  await expect(page.getByTestId('prediction-label-a')).toHaveText('true');
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  await expect(page.getByTestId('prediction-time-a')).toContainText('ms');

  // The chart: one bar per class, labelled with the classes and the percentages.
  const chart = page.getByTestId('probability-chart-a');
  await expect(chart.locator('svg')).toBeVisible();
  await expect(chart.locator('svg text', { hasText: /^false$/ })).toHaveCount(1);
  await expect(chart.locator('svg text', { hasText: /^true$/ })).toHaveCount(1);
  const rows = page.getByTestId('probabilities-a').getByTestId('probability-row');
  await expect(rows).toHaveCount(2);
  const probs = await rows.evaluateAll((trs) => trs.map((tr) => ({ label: tr.getAttribute('data-label')!, p: Number(tr.getAttribute('data-p')) })));
  expect(probs.map((p) => p.label)).toEqual(['false', 'true']);
  expect(probs[0].p + probs[1].p).toBeCloseTo(1, 5);
  expect(probs[1].p).toBeGreaterThan(0.5);
  for (const p of probs) await expect(chart.locator('svg text', { hasText: `${(p.p * 100).toFixed(1)}%` })).toHaveCount(1);

  // Latency over a few runs.
  await page.getByTestId('latency-runs').fill('20');
  await page.getByTestId('measure-latency').click();
  await expect(page.getByTestId('latency-a')).toContainText('Latency over 20 runs');
  await expect(page.getByTestId('latency-p95-a')).toContainText('ms');

  // Batch: a CSV of new customers, with progress, then a real browser download.
  const csv = newCustomersCsv(400);
  await page.getByTestId('batch-input').fill(csv.path);
  await expect(page.getByTestId('batch-out')).toHaveValue(csv.path.replace(/\.csv$/, '.predictions.csv'));
  await page.getByTestId('batch-start').click();
  await expect(page.getByTestId('batch-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('batch-rows')).toHaveText(`${csv.rows} / ${csv.rows} rows`);
  await expect(page.getByTestId('batch-progress')).toHaveJSProperty('value', 1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-download').click()]);
  expect(download.suggestedFilename()).toBe('telco-new-customers.predictions.csv');
  const text = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(text).toHaveLength(csv.rows + 1);
  expect(text[0].split(',').map((h) => h.replace(/"/g, ''))).toEqual([...csv.header, 'predicted_churn', 'p_false', 'p_true']);
  const last = text[1].split(',');
  expect(Number(last[last.length - 1]) + Number(last[last.length - 2])).toBeCloseTo(1, 5);
});

test('a foreign ONNX model: signature, tensor editor, predict, and the errors a user can cause', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'playgroundui-e2e-'));
  const model = join(dir, 'add.onnx');
  writeFileSync(model, addModel());
  const corrupt = join(dir, 'corrupt.onnx');
  writeFileSync(corrupt, 'this is not a model');

  await page.goto(url());
  await page.getByTestId('tab-playground').click();

  // A corrupt file is refused inline, naming the file.
  await page.getByTestId('open-onnx-a').click();
  await page.getByTestId('open-model-path-input').fill(corrupt);
  await page.getByTestId('open-model-path-input').press('Enter');
  await expect(page.getByTestId('open-error-a')).toContainText('corrupt.onnx');

  await page.getByTestId('open-onnx-a').click();
  await page.getByTestId('open-model-path-input').fill(model);
  await page.getByTestId('open-model-path-input').press('Enter');
  await expect(page.getByTestId('slot-title-a')).toHaveText('add.onnx');
  await expect(page.getByTestId('signature-inputs-a')).toContainText('float32');
  await expect(page.getByTestId('signature-inputs-a')).toContainText('[N, 3]');

  // Zeros of the right shape, as CSV (the inputs are matrices).
  const a = page.getByTestId('pg-tensor-A').locator('textarea');
  const b = page.getByTestId('pg-tensor-B').locator('textarea');
  await expect(a).toHaveValue('0,0,0');
  await a.fill('1,2,3\n10,20,30');
  await b.fill('4,5,6\n0.5,0.5,0.5');
  await b.press('Control+Enter');
  await expect(page.getByTestId('output-values-a-C')).toHaveText('[[5,7,9],[10.5,20.5,30.5]]');
  await expect(page.getByTestId('output-a-C')).toContainText('float32 [2, 3]');

  // JSON works as well, and a wrong shape is named before anything is sent.
  await page.getByTestId('pg-tensor-A').getByRole('button', { name: 'JSON' }).click();
  await expect(a).toHaveValue('[\n  [1, 2, 3],\n  [10, 20, 30]\n]');
  await a.fill('[[1, 2]]');
  await expect(page.getByTestId('pg-tensor-A')).toContainText('A: the model expects shape [N, 3], this is [1, 2]');
  await page.getByTestId('predict').click();
  await expect(page.getByTestId('prediction-error-a')).toContainText('A: the model expects shape [N, 3]');

  // Inputs that cannot be added (3 rows and 2) get onnxruntime's message, inline, and the pane stays usable.
  await a.fill('[[1, 2, 3], [1, 2, 3], [1, 2, 3]]');
  await page.getByTestId('predict').click();
  await expect(page.getByTestId('prediction-error-a')).toBeVisible();
  await a.fill('[[1, 2, 3]]');
  await b.fill('7,8,9');
  await page.getByTestId('predict').click();
  await expect(page.getByTestId('output-values-a-C')).toHaveText('[[8,10,12]]');

  // Side by side: the same tensors, two answers.
  await page.getByTestId('open-onnx-b').click();
  await page.getByTestId('open-model-path-input').fill(model);
  await page.getByTestId('open-model-path-input').press('Enter');
  await expect(page.getByTestId('slot-title-b')).toHaveText('add.onnx');
  await page.getByTestId('predict').click();
  await expect(page.getByTestId('output-values-a-C')).toHaveText('[[8,10,12]]');
  await expect(page.getByTestId('output-values-b-C')).toHaveText('[[8,10,12]]');
});
