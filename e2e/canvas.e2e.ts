import { expect, test, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';

/**
 * Canvas journeys: wiring refused with the reason at the pointer, selection and clipboard,
 * sticky notes, arranging, and running to a node from its menu. The app opens the example
 * (read_penguins -> profile) from a scratch copy; nothing here saves it.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;

async function openApp(page: Page): Promise<void> {
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
  await expect(page.getByTestId('node-profile')).toBeVisible();
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Off-screen nodes are not drawn: fit the view (F) before counting what the canvas shows. */
async function expectNodes(page: Page, n: number): Promise<void> {
  await page.keyboard.press('f');
  await expect(page.locator('.react-flow__node-plumb')).toHaveCount(n);
}

test('a wire between incompatible ports is refused, with the reason at the pointer while dragging', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('palette-feature.select').dblclick();
  await expect(page.getByTestId('node-featureselect_1')).toBeVisible();

  const from = await centre(page.getByTestId('node-profile').getByTestId('port-out-report'));
  const to = await centre(page.getByTestId('node-featureselect_1').getByTestId('port-in-in'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  const hint = page.getByTestId('connection-hint');
  await expect(hint).toHaveText('Cannot connect "report" (report) to "in" (table): a report output can only feed a report input.');
  // The hint sits at the pointer, not in a corner of the screen.
  const box = (await hint.boundingBox())!;
  expect(Math.abs(box.x - to.x)).toBeLessThan(40);
  expect(Math.abs(box.y - to.y)).toBeLessThan(40);
  await page.screenshot({ path: join(ROOT, 'test-results', 'canvas-refused-wire.png') });
  await page.mouse.up();
  await expect(hint).toHaveCount(0);
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // A matching wire from the same drag gesture is made.
  const out = await centre(page.getByTestId('node-read_penguins').getByTestId('port-out-out'));
  await page.mouse.move(out.x, out.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await expect(page.getByTestId('connection-hint')).toHaveCount(0);
  await page.mouse.up();
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
});

test('box-select, copy and paste with the keyboard, duplicate, delete, and undo back', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await expectNodes(page, 2);

  // Shift+drag around both nodes selects them.
  const a = (await page.getByTestId('node-read_penguins').boundingBox())!;
  const b = (await page.getByTestId('node-profile').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(Math.min(a.x, b.x) - 30, Math.min(a.y, b.y) - 30);
  await page.mouse.down();
  await page.mouse.move(Math.max(a.x + a.width, b.x + b.width) + 30, Math.max(a.y + a.height, b.y + b.height) + 30, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node-plumb.selected')).toHaveCount(2);

  await page.keyboard.press('Control+c');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toMatchObject({ format: 'plumb.fragment', nodes: [{ id: 'read_penguins' }, { id: 'profile' }], edges: [{ from: { node: 'read_penguins' } }] });

  // Pasted where the pointer is.
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.mouse.move(pane.x + 40, pane.y + 40);
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('node-read_penguins_1')).toBeVisible();
  const pasted = (await page.getByTestId('node-read_penguins_1').boundingBox())!;
  expect(Math.abs(pasted.x - (pane.x + 40))).toBeLessThan(30);
  await expect(page.getByTestId('node-profile_1')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('dirty-marker')).toBeVisible();

  // The pasted pair is selected: duplicate it, then delete the duplicates.
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('node-read_penguins_2')).toBeVisible();
  await expect(page.locator('.react-flow__node-plumb.selected')).toHaveCount(2);
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-read_penguins_2')).toHaveCount(0);
  await expectNodes(page, 4);

  // Text from a text editor that is not Plumb nodes is refused, saying why.
  await page.evaluate(() => navigator.clipboard.writeText('{"format": "plumb.fragment", "version": 2, "nodes": [{"id": "x", "type": "nope"}], "edges": []}'));
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('Control+v');
  await expect(page.getByText(/^Cannot paste: the copied nodes are damaged/)).toBeVisible();
  await expectNodes(page, 4);

  await page.keyboard.press('Control+z'); // the delete
  await page.keyboard.press('Control+z'); // the duplicate
  await page.keyboard.press('Control+z'); // the paste
  await expectNodes(page, 2);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
});

test('a sticky note is added, written, and undone; arranging lays nodes out left to right', async ({ page }) => {
  await openApp(page);
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press('n');
  const note = page.getByTestId('note-note_1');
  await expect(note).toBeVisible();
  await note.dblclick();
  await page.getByLabel('Note text').fill('Profile before choosing features');
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await expect(note).toContainText('Profile before choosing features');
  await page.screenshot({ path: join(ROOT, 'test-results', 'canvas-note.png') });

  // Pile the nodes up, then arrange: data flows left to right.
  await page.keyboard.press('Control+Shift+L');
  const read = (await page.getByTestId('node-read_penguins').boundingBox())!;
  const profile = (await page.getByTestId('node-profile').boundingBox())!;
  expect(read.x + read.width).toBeLessThan(profile.x);

  // Arranging, writing and adding are one undo step each.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  await expect(page.getByTestId('note-note_1')).toHaveCount(0);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
});

test('right-click a node to run the pipeline up to it', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('node-read_penguins').click({ button: 'right' });
  const menu = page.getByTestId('canvas-menu');
  await expect(menu).toBeVisible();
  await expect(page.getByTestId('menu-run.until')).toContainText('Ctrl+Shift+Enter');
  await page.getByTestId('menu-run.until').click();
  await expect(page.getByTestId('node-status-read_penguins')).toHaveText(/succeeded|cached/);
  // Only what the node needs ran: the profile did not run (a stored result from an earlier journey
  // shows only as a hint, "cached: not run in this session").
  const profile = page.getByTestId('node-status-profile');
  await expect(profile).not.toHaveText(/succeeded|running|queued/);
  if ((await profile.textContent())?.includes('cached')) await expect(profile).toHaveClass(/status-hint/);
});
