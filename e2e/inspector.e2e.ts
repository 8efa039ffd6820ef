import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyDocument } from '../src-shared/pipeline/document.js';
import { openPipeline } from './helpers.js';

/**
 * The palette's search and the inspector: params checked as they are typed, column pickers fed
 * by inferSchema, the node's last run, and a table output paged into a grid with histograms.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;

const node = (id: string, type: string, x: number, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x, y: 120 }, params });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

test('the palette finds nodes by what they do', async ({ page }) => {
  await page.goto(url());
  const search = page.getByTestId('palette-search');
  await search.fill('missing values');
  await expect(page.getByTestId('palette-feature.impute')).toBeVisible();
  await expect(page.getByTestId('palette-feature.impute')).toContainText('Fills missing values');
  await expect(page.getByTestId('palette-ingest.csv')).toHaveCount(0);
  await search.press('Escape');
  await expect(page.getByTestId('palette-ingest.csv')).toBeVisible();
});

test('the inspector checks params as they are typed, offers the columns, and pages the output', async ({ page }) => {
  const path = join(work(), 'inspector-telco.plumb');
  const doc = {
    ...emptyDocument('inspector-telco', 'Inspector journey'),
    nodes: [
      node('telco', 'ingest.sample', 60, { dataset: 'telco_churn' }),
      node('derive', 'feature.derive', 340, { name: 'per_month', expression: 'total_charges / tenure' }),
      node('split', 'split.train_test', 620, {}),
      node('model', 'train.logistic_regression', 900, { target: 'churn' }),
    ],
    edges: [edge('e1', 'telco', 'out', 'derive', 'in'), edge('e2', 'derive', 'out', 'split', 'in'), edge('e3', 'split', 'train', 'model', 'train')],
  };
  writeFileSync(path, JSON.stringify(doc, null, 2));
  await page.goto(url());
  await openPipeline(page, path);

  // An expression is checked as it is typed, pointing at the mistake, before anything is applied.
  await page.getByTestId('node-derive').click();
  const expression = page.getByTestId('param-expression').locator('input');
  await expression.fill('total_charges / tenur');
  const error = page.getByTestId('param-error-expression');
  await expect(error).toContainText('did you mean "tenure"');
  await expect(error).toContainText('^^^^^');
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expression.press('Escape');
  await expect(error).toHaveCount(0);

  // The model's target is picked from telco_churn's columns, known before any run; the new
  // derived column is there too.
  await page.getByTestId('node-model').click();
  const target = page.getByTestId('param-target').locator('select');
  await expect(target.locator('option', { hasText: 'contract' })).toHaveCount(1);
  await expect(target.locator('option', { hasText: 'per_month' })).toHaveCount(1);
  await expect(target).toHaveValue('churn');
  const maxIter = page.getByTestId('param-max_iter').locator('input');
  await maxIter.fill('0');
  await expect(page.getByTestId('param-error-max_iter')).toContainText('must be at least 1');
  await maxIter.fill('500');
  await expect(page.getByTestId('param-error-max_iter')).toHaveCount(0);
  await maxIter.press('Enter');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  // Features: toggled from the same columns.
  await page.getByTestId('param-features').getByTestId('column-chip-tenure').click();
  await expect(page.getByTestId('param-features').locator('input')).toHaveValue('tenure');

  // Run up to the derive: its last run and its table, paged into the grid with histograms.
  await page.getByTestId('node-derive').click();
  await page.getByTestId('run-until').click();
  await expect(page.getByTestId('last-run-status')).toContainText(/succeeded|cached/);
  await expect(page.getByTestId('last-run-duration')).toBeVisible();
  const grid = page.getByTestId('table-grid');
  await expect(page.getByTestId('table-preview')).toContainText('7,043 rows × 21 columns');
  await expect(grid.getByRole('gridcell').first()).not.toBeEmpty();
  await expect(page.getByTestId('histogram-tenure')).toBeVisible();
  await page.getByTestId('table-preview').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ROOT, 'test-results', 'inspector.png') });
  // The last rows come from a later page, fetched when scrolled into view.
  await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(grid.locator('[aria-rowindex="7044"] .grid-index')).toHaveText('7043');
  await expect(grid.locator('[aria-rowindex="7044"] .grid-cell').first()).not.toBeEmpty();
});
