import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPipeline as openFile } from './helpers.js';

/**
 * The pipeline diff (issue 9): two versions of the churn pipeline, the second saved after a param
 * change in the inspector and a node added from the palette; "Compare with…" the first file and
 * then with the file's git HEAD shows the changed node, the added node and the param's old -> new.
 * Screenshot: test-results/journeys/diff.png.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;
const SHOTS = join(ROOT, 'test-results', 'journeys');

async function compareWith(page: Page, path: string): Promise<void> {
  await page.getByTestId('bundle-menu').locator('summary').click();
  await page.getByTestId('command-diff.compare').click();
  const input = page.getByTestId('compare-path-input');
  await input.fill(path);
  await input.press('Enter');
  await expect(page.getByTestId('compare-dialog')).toHaveCount(0);
  await expect(page.getByTestId('diff-panel')).toBeVisible();
}

test('diff two versions of the churn pipeline: the changed param and the added node are highlighted', async ({ page }) => {
  // A git repository holding version 1 as committed, and a plain copy of it beside.
  const dir = join(work(), 'diff-journey');
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args]);
  git('init', '-q');
  git('config', 'user.name', 'Plumb e2e');
  git('config', 'user.email', 'e2e@plumb.invalid');
  git('config', 'commit.gpgsign', 'false');
  const v1 = join(dir, 'churn-v1.plumb');
  const file = join(dir, 'churn.plumb');
  copyFileSync(join(work(), 'examples', 'telco-churn-model.plumb'), v1);
  copyFileSync(v1, file);
  git('add', '.');
  git('commit', '-q', '-m', 'churn, version 1');

  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
  await openFile(page, file);
  await expect(page.getByTestId('node-model')).toBeVisible();

  // Version 2: max_iter 1000 -> 200 in the inspector, a profile node from the palette, saved.
  await page.getByTestId('node-model').click();
  const maxIter = page.getByTestId('param-max_iter').locator('input');
  await expect(maxIter).toHaveValue('1000');
  await maxIter.fill('200');
  await maxIter.press('Enter');
  await page.getByTestId('palette-validate.profile').dblclick();
  await expect(page.getByTestId('node-validateprofile_1')).toBeVisible();
  await page.getByTestId('command-file.save').click();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  expect(JSON.parse(readFileSync(file, 'utf8')).nodes).toHaveLength(8);

  // Compare with the first file.
  await compareWith(page, v1);
  const panel = page.getByTestId('diff-panel');
  await expect(page.getByTestId('diff-sides')).toHaveText('churn-v1.plumb → churn.plumb');
  await expect(page.getByTestId('node-model')).toHaveClass(/\bdiff-changed\b/);
  await expect(page.getByTestId('node-model')).toHaveAttribute('data-diff', 'changed');
  await expect(page.getByTestId('node-validateprofile_1')).toHaveClass(/\bdiff-added\b/);
  await expect(page.getByTestId('node-split')).not.toHaveClass(/\bdiff-/);
  await expect(panel.getByTestId('diff-node-model').getByTestId('diff-change')).toHaveText('max_iter: 1000 -> 200');
  await expect(panel.getByTestId('diff-node-validateprofile_1')).toContainText('validate.profile');
  await expect(panel.getByTestId('diff-change')).toHaveCount(1);

  // Clicking the change selects its node, and the inspector shows the new value.
  await page.getByTestId('node-split').click();
  await panel.getByTestId('diff-change').click();
  await expect(page.getByTestId('node-model')).toHaveClass(/\bselected\b/);
  await expect(page.getByTestId('param-max_iter').locator('input')).toHaveValue('200');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'diff.png') });

  // Esc leaves the diff view; nothing of it stays on the canvas or in the document.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('node-model')).not.toHaveClass(/\bdiff-changed\b/);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);

  // The same changes against the file's last commit; a node deleted on the canvas (unsaved)
  // shows as a ghost, which is not part of the document and goes with the diff view.
  await page.getByTestId('node-evaluate').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-evaluate')).toHaveCount(0);
  await page.getByTestId('bundle-menu').locator('summary').click();
  await page.getByTestId('command-diff.compare').click();
  await page.getByTestId('compare-git-head').click();
  await expect(page.getByTestId('diff-sides')).toHaveText('HEAD:churn.plumb → churn.plumb (with unsaved changes)');
  await expect(page.getByTestId('ghost-node-evaluate')).toBeVisible();
  await expect(page.locator('.react-flow__edge.diff-removed')).toHaveCount(2);
  await expect(panel.getByTestId('diff-node-model').getByTestId('diff-change')).toHaveText('max_iter: 1000 -> 200');
  await expect(panel.getByTestId('diff-node-evaluate')).toContainText('evaluate.model');
  await page.screenshot({ path: join(SHOTS, 'diff-git-head.png') });
  await page.getByTestId('diff-close').click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('ghost-node-evaluate')).toHaveCount(0);
  // Undo brings the deleted node back: the diff view left nothing in the history.
  await page.getByTestId('command-edit.undo').click();
  await expect(page.getByTestId('node-evaluate')).toBeVisible();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
});
