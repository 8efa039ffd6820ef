import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPipeline } from './helpers.js';

/**
 * The reviewer's journey (issue 9): the analyst runs the churn pipeline and exports a review
 * bundle from the UI; the bundle opens read-only with the run's statuses, metrics and charts;
 * the reviewer comments on a node and saves the comments to a new bundle, which reopens with the
 * comment while the original file stays byte for byte as it was. Screenshots go to
 * test-results/journeys/review-*.png.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;
const SHOTS = join(ROOT, 'test-results', 'journeys');
const NODES = ['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate'];

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `review-${name}.png`) });
}

/** The top bar's Review menu holds the bundle commands. */
async function reviewMenu(page: Page, command: 'file.openBundle' | 'file.exportBundle'): Promise<void> {
  await page.getByTestId('bundle-menu').locator('summary').click();
  await page.getByTestId(`command-${command}`).click();
}

/** Fits the view and waits for its animation: node boxes are then comparable. */
async function fitted(page: Page): Promise<void> {
  await page.keyboard.press('f');
  await page.waitForTimeout(500);
}

async function openBundle(page: Page, path: string): Promise<void> {
  await reviewMenu(page, 'file.openBundle');
  const input = page.getByTestId('open-bundle-path-input');
  await input.fill(path);
  await input.press('Enter');
  await expect(page.getByTestId('review-banner-title')).toHaveAttribute('title', path);
}

test('export the churn run, review it read-only, comment, and save the comments to a new bundle', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = join(work(), 'review');
  mkdirSync(dir, { recursive: true });
  const pipeline = join(dir, 'churn.plumb');
  copyFileSync(join(work(), 'examples', 'telco-churn-model.plumb'), pipeline);

  // The analyst: open, run, export.
  await page.goto(url());
  await openPipeline(page, pipeline);
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 60_000 });
  await reviewMenu(page, 'file.exportBundle');
  const out = page.getByTestId('export-bundle-path-input');
  const bundle = join(dir, 'churn.plumbz');
  await expect(out).toHaveValue(bundle);
  await expect(page.getByTestId('export-with-models')).toBeChecked();
  await expect(page.getByTestId('export-samples')).toBeChecked();
  await out.press('Enter');
  await expect(page.getByTestId('info-toast').filter({ hasText: `Exported the review bundle to ${bundle}` })).toBeVisible();
  const original = readFileSync(bundle);
  expect(original.subarray(0, 2).toString()).toBe('PK');

  // The reviewer: the bundle opens read-only, with the run as it ended.
  await openBundle(page, bundle);
  const title = page.getByTestId('review-banner-title');
  await expect(title).toContainText('Reviewing churn.plumbz — read-only · exported');
  await expect(title).toContainText('run succeeded');
  for (const id of NODES) await expect(page.getByTestId(`node-status-${id}`)).toHaveText(/^(succeeded|cached)$/);
  await expect(page.getByTestId('review-sidebar')).toBeVisible();
  await expect(page.getByTestId('palette-search')).toHaveCount(0);
  await shot(page, 'banner');

  // Nothing can run or change: Run is off and says why, fields are disabled, nodes do not move.
  const run = page.getByTestId('command-run.all');
  await expect(run).toBeDisabled();
  await expect(run).toHaveAttribute('title', /review mode: import as editable to run/);
  // A drag pans the view instead of moving the node: fitting the view again finds it where it was.
  const node = page.getByTestId('node-evaluate');
  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await fitted(page);
  const before = await node.boundingBox();
  await node.hover();
  await page.mouse.down();
  await page.mouse.move(before!.x - 150, before!.y + 100, { steps: 8 });
  await page.mouse.up();
  await fitted(page);
  const after = await node.boundingBox();
  expect(Math.abs(after!.x - before!.x)).toBeLessThan(1);
  expect(Math.abs(after!.y - before!.y)).toBeLessThan(1);
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-evaluate')).toBeVisible();

  // The evaluate node's inspector: its metrics and its report, from the bundle.
  await node.click();
  await expect(page.getByTestId('node-label-input')).toBeDisabled();
  const fields = page.getByTestId('node-fields').locator('input, select, textarea');
  expect(await fields.count()).toBeGreaterThan(1);
  expect(await fields.evaluateAll((els) => els.filter((e) => !e.matches(':disabled')).length)).toBe(0);
  await expect(page.getByTestId('run-until')).toBeDisabled();
  const metrics = page.getByTestId('review-metrics');
  await expect(metrics.getByTestId('review-metric-roc_auc')).toContainText(/0\.\d{4}/);
  await expect(metrics.getByTestId('review-metric-accuracy')).toContainText(/0\.\d{4}/);
  await expect(page.getByTestId('output-evaluate-report')).toContainText('"roc_auc"');
  // Cached when an earlier journey ran the same pipeline in this state folder.
  await expect(page.getByTestId('last-run-status')).toContainText(/succeeded|cached/);
  await expect(page.getByTestId('output-sample-evaluate-predictions')).toContainText('The bundle carries the first 100 of 1,758 rows.');
  await shot(page, 'inspector');

  // The charts panel draws the exported run's charts without the lineage store it came from.
  await page.getByTestId('tab-charts').click();
  const rows = page.getByTestId('experiment-row');
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole('checkbox').check();
  await expect(page.getByTestId('roc').locator('svg')).toBeVisible();
  await expect(page.getByTestId('confusion-matrices').locator('table')).toHaveCount(1);
  await shot(page, 'charts');

  // A comment on the model, counted on the canvas.
  await page.getByTestId('tab-inspector').click();
  await page.getByTestId('node-model').click();
  const text = 'C is left at 1.0: was it tuned? Try train.tune over C.';
  await page.getByTestId('review-comment-input').fill(text);
  await page.getByTestId('review-comment-input').press('Control+Enter');
  await expect(page.getByTestId('review-comment-text')).toHaveText(text);
  await expect(page.getByTestId('node-comments-model')).toHaveText('💬 1');
  await expect(page.getByTestId('review-banner')).toContainText('1 comment (unsaved)');
  await shot(page, 'comment');

  // Saved to a new file, proposed beside the original; the original is never overwritten.
  await page.getByTestId('review-save-comments').click();
  const saveTo = page.getByTestId('save-comments-path-input');
  const reviewed = join(dir, 'churn-reviewed.plumbz');
  await expect(saveTo).toHaveValue(reviewed);
  await saveTo.fill(bundle);
  await saveTo.press('Enter');
  await expect(page.getByTestId('error-banner').filter({ hasText: 'is the bundle under review, which is never overwritten' })).toBeVisible();
  await saveTo.fill(reviewed);
  await saveTo.press('Enter');
  await expect(page.getByTestId('info-toast').filter({ hasText: `Saved 1 comment(s) to ${reviewed}` })).toBeVisible();
  await expect(page.getByTestId('review-banner')).toContainText('saved to churn-reviewed.plumbz');
  expect(readFileSync(bundle).equals(original)).toBe(true);

  // Reopened, the new bundle carries the comment.
  await openBundle(page, reviewed);
  await expect(page.getByTestId('review-banner-title')).toContainText('Reviewing churn-reviewed.plumbz');
  await expect(page.getByTestId('node-comments-model')).toHaveText('💬 1');
  await page.getByTestId('node-model').click();
  await expect(page.getByTestId('review-comment-text')).toHaveText(text);
  // A saved comment is the bundle's now: it cannot be deleted here.
  await expect(page.getByTestId('review-comment-delete')).toHaveCount(0);
  expect(readFileSync(bundle).equals(original)).toBe(true);
  await shot(page, 'reopened');

  // Import as editable: an untitled, unsaved copy that can run.
  await page.getByTestId('review-import').click();
  await expect(page.getByTestId('review-banner')).toHaveCount(0);
  await expect(page.getByTestId('document-path')).toHaveText('Not saved yet');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  await expect(page.getByTestId('command-run.all')).toBeEnabled();
  await expect(page.getByTestId('palette-search')).toBeVisible();
});

/** A new month-to-month fibre customer (the playground journey's), whom the churn model flags. */
const CUSTOMER: Record<string, string> = { tenure: '2', monthly_charges: '70.7', total_charges: '151.65', partner: '1', phone_service: '1', paperless_billing: '1' };
const CUSTOMER_CHOICES: Record<string, string> = {
  internet_service: 'Fiber optic',
  contract: 'Month-to-month',
  payment_method: 'Electronic check',
  multiple_lines: 'No',
};

test('the playground predicts with the model a bundle carries', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = join(work(), 'review-models');
  mkdirSync(dir, { recursive: true });
  const pipeline = join(dir, 'churn-deploy.plumb');
  copyFileSync(join(work(), 'examples', 'telco-churn-deploy.plumb'), pipeline);
  await page.goto(url());
  await openPipeline(page, pipeline);
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 120_000 });

  await reviewMenu(page, 'file.exportBundle');
  // The raw table's rows stay home; the split's go in.
  await page.getByTestId('export-sample-telco').uncheck();
  await page.getByTestId('export-bundle-path-input').press('Enter');
  const bundle = join(dir, 'churn-deploy.plumbz');
  await expect(page.getByTestId('info-toast').filter({ hasText: `Exported the review bundle to ${bundle}` })).toBeVisible();

  await openBundle(page, bundle);
  await expect(page.getByTestId('review-banner')).toContainText('(ONNX included)');
  // A node whose samples were switched off says its rows stayed home; the others carry theirs.
  await page.getByTestId('node-telco').click();
  await expect(page.getByTestId('output-not-sampled-telco-out')).toHaveText('The rows of this table were not exported with this bundle.');
  await page.getByTestId('node-split').click();
  await expect(page.getByTestId('output-sample-split-train')).toContainText('The bundle carries the first 100 of');

  await page.getByTestId('tab-playground').click();
  const model = page.getByTestId('bundled-models-a').getByRole('button', { name: /^telco-churn v\d+$/ });
  await model.click();
  await expect(page.getByTestId('slot-title-a')).toHaveText(/^telco-churn v\d+ \(bundled\)$/);
  await expect(page.getByTestId('signature-inputs-a')).toContainText('contract');
  for (const [name, value] of Object.entries(CUSTOMER)) await page.getByTestId(`pg-field-${name}`).locator('input[type="text"]').fill(value);
  for (const [name, value] of Object.entries(CUSTOMER_CHOICES)) await page.getByTestId(`pg-field-${name}`).locator('select').selectOption(value);
  await page.getByTestId('pg-field-tenure').locator('input').press('Control+Enter');
  await expect(page.getByTestId('prediction-label-a')).toHaveText('true');
  await shot(page, 'playground');
});
