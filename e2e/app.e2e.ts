import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Journeys a user takes through the real app: the browser host started by global-setup.ts,
 * serving the built renderer, with a scratch copy of examples/ and samples/.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;
const example = (): string => join(work(), 'examples', 'penguins-profile.plumb');

async function openApp(page: Page): Promise<void> {
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
  await expect(page.getByTestId('node-profile')).toBeVisible();
}

test('opens the example pipeline, runs it and sees both nodes succeed', async ({ page }) => {
  await openApp(page);
  // The token leaves the address bar once read; the page keeps working without it there.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', example());
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText('idle');

  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText('succeeded');
  await expect(page.getByTestId('node-status-profile')).toHaveText('succeeded');
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  await expect(page.getByTestId('run-log')).toContainText('profile');

  await page.getByTestId('node-profile').click();
  const report = page.getByTestId('profile-report');
  await expect(report).toContainText('344 rows');
  await expect(report).toContainText('body_mass_g');

  await page.screenshot({ path: join(ROOT, 'test-results', 'app.png') });
  // The README's screenshot: refreshed on request, or written when it is missing.
  const readmeShot = join(ROOT, 'docs', 'screenshot.png');
  if (process.env.PLUMB_SCREENSHOT === '1' || !existsSync(readmeShot)) {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: readmeShot });
  }
});

test('a param edit shows unsaved changes, and undo takes it back', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('node-read_penguins').click();
  const delimiter = page.getByTestId('param-delimiter').locator('input');
  await expect(delimiter).toHaveValue('auto');
  await delimiter.fill('two chars');
  await delimiter.press('Enter');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  // A bad value is shown on the node before anything runs.
  await expect(page.getByTestId('node-problems-read_penguins')).toBeVisible();

  await page.getByTestId('command-edit.undo').click();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expect(page.getByTestId('node-problems-read_penguins')).toHaveCount(0);
  await expect(delimiter).toHaveValue('auto');

  await page.getByTestId('command-edit.redo').click();
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  await expect(delimiter).toHaveValue('two chars');
});

test('a node added from the palette shows its missing input, and Ctrl+Z removes it', async ({ page }) => {
  await openApp(page);
  const before = await page.locator('[data-testid^="node-status-"]').count();
  await page.getByTestId('palette-validate.profile').dblclick();
  await expect(page.locator('[data-testid^="node-status-"]')).toHaveCount(before + 1);
  await expect(page.locator('[data-testid^="node-problems-"]')).toHaveCount(1);
  await expect(page.getByTestId('dirty-marker')).toBeVisible();

  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+z');
  await expect(page.locator('[data-testid^="node-status-"]')).toHaveCount(before);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
});

test('Save As writes the canonical file, and the saved copy opens again', async ({ page }) => {
  await openApp(page);
  const target = join(work(), 'examples', 'saved-copy.plumb');
  await page.getByTestId('command-file.saveAs').click();
  const input = page.getByTestId('save-path-input');
  await input.fill(target);
  await input.press('Enter');
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', target);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  // Saving an unchanged document reproduces the shipped (canonical) file byte for byte.
  expect(readFileSync(target, 'utf8')).toBe(readFileSync(example(), 'utf8'));

  // Saving over another existing file asks first; declining leaves that file as it was.
  const other = join(work(), 'examples', 'other.plumb');
  writeFileSync(other, 'precious\n');
  await page.getByTestId('command-file.saveAs').click();
  await input.fill(other);
  await input.press('Enter');
  await expect(page.getByTestId('confirm-dialog')).toContainText('already exists');
  await page.getByTestId('confirm-cancel').click();
  expect(readFileSync(other, 'utf8')).toBe('precious\n');
  await page.keyboard.press('Escape');

  await page.getByTestId('command-file.open').click();
  await expect(page.getByTestId('open-dialog')).toBeVisible();
  await expect(page.getByTestId('recent-file').first()).toHaveAttribute('title', target);
  await page.getByTestId('recent-file').first().click();
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', target);
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
});

test('a truncated file is refused with its reason, and the open document stays', async ({ page }) => {
  await openApp(page);
  const broken = join(work(), 'broken.plumb');
  const text = readFileSync(example(), 'utf8');
  writeFileSync(broken, text.slice(0, Math.floor(text.length / 2)));

  await page.getByTestId('command-file.open').click();
  const input = page.getByTestId('open-path-input');
  await input.fill(broken);
  await input.press('Enter');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText(broken);
  await expect(banner).toContainText('looks truncated');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', example());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
});

test('a second run is served from the cache, and an edit marks only what it affects stale', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  // Earlier journeys ran this pipeline: its results may already be stored.
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText('cached');
  await expect(page.getByTestId('node-status-profile')).toHaveText('cached');
  await expect(page.getByTestId('run-counts')).toContainText('2 cached');

  // Changing the profile's params makes it stale, and only it.
  await page.getByTestId('node-profile').click();
  const columns = page.getByTestId('param-columns').locator('input');
  await columns.fill('species, body_mass_g');
  await columns.press('Enter');
  await expect(page.getByTestId('node-status-profile')).toHaveText('stale');
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText('cached');
  await expect(page.getByTestId('why-run')).toContainText('params changed: columns');

  // Running again recomputes only the profile.
  await page.getByTestId('command-run.all').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText('cached');
  await expect(page.getByTestId('node-status-profile')).toHaveText('succeeded');
  await expect(page.getByTestId('profile-report')).toContainText('2 columns');

  // Re-running one node ignores its cache and takes its inputs from the cache.
  await page.getByTestId('run-node').click();
  await expect(page.getByTestId('run-status')).toHaveText('Run succeeded');
  await expect(page.getByTestId('node-status-profile')).toHaveText('succeeded');
  await expect(page.getByTestId('run-counts')).toContainText('1 cached, 1 ran');
});
