import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Local serving, as a user meets it: train and register the telco churn model, serve it from the
 * Serving panel, call the endpoint from another program (this test process, over loopback) with
 * the URL and token the panel shows, and watch the request count rise in the panel.
 */
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;

/** Raw telco rows without the churn column (and without the rows lacking total charges), as CSV. */
function customersCsv(rows: number): string {
  const lines = readFileSync(join(work(), 'samples', 'telco_churn.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const churn = header.indexOf('"churn"');
  const total = header.indexOf('"total_charges"');
  const drop = (cells: string[]): string => cells.filter((_, i) => i !== churn).join(',');
  const body = lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((cells) => cells[total] !== '')
    .slice(0, rows)
    .map(drop);
  return [drop(header), ...body].join('\n') + '\n';
}

test('register telco churn, serve it from the panel, call it, see the requests counted', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
  const path = join(work(), 'examples', 'telco-churn-deploy.plumb');
  await page.getByTestId('command-file.open').click();
  await page.getByTestId('open-path-input').fill(path);
  await page.getByTestId('open-path-input').press('Enter');
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', path);
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 150_000 });

  await page.getByTestId('tab-serving').click();
  await expect(page.getByTestId('serving-panel')).toBeVisible();
  await page.getByTestId('serving-model').fill('telco-churn@latest');
  await page.getByTestId('serving-start').click();
  const card = page.getByTestId('serving-endpoint-telco-churn');
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByTestId('serving-split')).toContainText('single: v');
  await expect(card.getByTestId('serving-split')).toContainText('100%');

  // The token is hidden until revealed.
  await expect(card.getByTestId('serving-token')).toHaveText('••••••••');
  await card.getByTestId('serving-reveal-token').click();
  const token = (await card.getByTestId('serving-token').textContent())!.trim();
  expect(token).toMatch(/^[\w-]{16,}$/);
  const endpoint = (await card.getByTestId('serving-url').textContent())!.trim();
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(card.getByTestId('serving-requests')).toHaveText('0');

  // Another program calls it: five requests of three customers each.
  const csv = customersCsv(3);
  let lastId = '';
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${endpoint}/predict`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { id: string; version: number; predictions: { label: string }[] };
    lastId = answer.id;
    expect(answer.predictions).toHaveLength(3);
    // churn is read as a boolean column, so the classes are "true" and "false".
    expect(['true', 'false']).toContain(answer.predictions[0].label);
  }
  const refused = await fetch(`${endpoint}/predict`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  expect(refused.status).toBe(401);

  // The panel's count follows the serving.update events (about once a second).
  await expect(card.getByTestId('serving-requests')).toHaveText('5', { timeout: 10_000 });
  await expect(card.getByTestId('serving-chart-rate')).toBeVisible();
  await expect(card.getByTestId('serving-history')).toContainText('start');
  await expect(card.getByTestId('serving-log-path')).toContainText('telco-churn');
  // A few more seconds of the live charts for the screenshot (the assertions above do not need them).
  await page.waitForTimeout(3000);
  await page.getByTestId('serving-panel').screenshot({ path: join('test-results', 'serving-panel.png') });

  // The log becomes a pipeline input in one click.
  await card.getByTestId('serving-add-ingest').click();
  await expect(page.getByTestId('node-ingestjson_1')).toBeVisible();

  // The drift of the logged traffic against the model's training rows, on demand: one row per
  // input column with its test, score, threshold and verdict, and the dataset verdict.
  await card.getByTestId('serving-check-drift').click();
  await expect(card.getByTestId('serving-drift-table')).toBeVisible({ timeout: 30_000 });
  await expect(card.getByTestId('serving-drift-row')).toHaveCount(19);
  const tenure = card.locator('[data-testid="serving-drift-row"][data-column="tenure"]');
  await expect(tenure).toContainText('wasserstein');
  await expect(tenure).toContainText('0.1');
  await expect(card.getByTestId('serving-drift-summary')).toContainText(/(No dataset drift|Dataset drift): \d+ of 19 columns drifted/);
  await expect(card.getByTestId('serving-drift-summary')).toContainText('The newest 15 logged rows');

  // Labels arrive later: live accuracy per version.
  // The true churn of the three customers sent (the sample's first rows: No, No, Yes).
  const labels = ['false', 'false', 'true'];
  const fb = await fetch(`${endpoint}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ feedback: labels.map((label, row) => ({ id: lastId, row, label: label === 'true' })) }),
  });
  expect(fb.status).toBeLessThan(300);
  await card.getByTestId('serving-refresh-accuracy').click();
  await expect(card.getByTestId('serving-accuracy-row')).toHaveCount(1);
  await expect(card.getByTestId('serving-accuracy-row')).toContainText(/v\d+\s*3\s*\d+\.\d%/);
  await page.getByTestId('serving-panel').screenshot({ path: join('test-results', 'serving-drift.png') });

  await card.getByTestId('serving-stop').click();
  await expect(card).toHaveCount(0);
  await expect(fetch(`${endpoint}/health`)).rejects.toThrow();
});
