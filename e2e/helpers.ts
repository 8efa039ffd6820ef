import { expect, type Page } from '@playwright/test';

/** Opens a pipeline through the app's Open dialog (the browser host asks for a path) and waits for it. */
export async function openPipeline(page: Page, path: string): Promise<void> {
  await page.getByTestId('command-file.open').click();
  const input = page.getByTestId('open-path-input');
  await input.fill(path);
  await input.press('Enter');
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', path);
}
