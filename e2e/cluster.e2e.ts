import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Scale out (issue 11), from the app: Cluster ▸ Export for Argo Workflows… writes the manifest next
 * to the open pipeline; a run made by the local target (one process per step, as pods would) is
 * brought in with Cluster ▸ Import cluster run… and shows in the experiments table.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;

test('export the pipeline for Argo Workflows, then import a cluster run into the experiments', async ({ page }) => {
  test.setTimeout(120_000);
  const pipeline = join(work(), 'examples', 'penguins-profile.plumb');
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();

  await page.getByTestId('bundle-menu').locator('summary').click();
  await page.getByTestId('command-cluster.exportArgo').click();
  await expect(page.getByTestId('argo-export-dialog')).toBeVisible();
  await page.getByTestId('argo-export-image').fill('registry.example.com/plumb-runner:0.1.0');
  await page.getByTestId('argo-export-namespace').fill('ml');
  await page.getByTestId('argo-export-submit').click();
  await expect(page.getByTestId('argo-export-dialog')).toHaveCount(0);
  const manifestPath = join(work(), 'examples', 'penguins-profile.argo.yaml');
  await expect(page.getByTestId('info-toast').filter({ hasText: `Wrote the Argo Workflow to ${manifestPath} (2 steps)` })).toBeVisible();
  const manifest = readFileSync(manifestPath, 'utf8');
  expect(manifest).toContain('kind: Workflow');
  expect(manifest).toContain('namespace: ml');
  expect(manifest).toContain('image: registry.example.com/plumb-runner:0.1.0');

  // A "cluster" run: each step its own process, sharing only the store.
  const store = join(work(), 'cluster-store');
  const out = execFileSync(process.execPath, [join(ROOT, 'bin/plumb.js'), 'compile', pipeline, '--target', 'local', '--store', store, '--run', 'wf-penguins-1', '--json'], { cwd: ROOT });
  expect(out.toString()).toContain('{"event":"run","run":"wf-penguins-1","status":"succeeded"}');

  await page.getByTestId('bundle-menu').locator('summary').click();
  await page.getByTestId('command-cluster.importRun').click();
  const input = page.getByTestId('cluster-import-path-input');
  await input.fill(store);
  await input.press('Enter');
  await expect(page.getByTestId('cluster-import-dialog')).toHaveCount(0);
  await expect(page.getByTestId('info-toast').filter({ hasText: 'Imported 1 cluster run(s): wf-penguins-1 (succeeded)' })).toBeVisible();

  await page.getByTestId('tab-charts').click();
  await expect(page.locator('[data-testid="experiment-row"][data-run="wf-penguins-1"]')).toBeVisible();
});
