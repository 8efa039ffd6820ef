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

/** React Flow's viewport transform: [x, y, zoom]. */
async function viewport(page: Page): Promise<[number, number, number]> {
  const t = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(t);
  if (!m) throw new Error(`unexpected viewport transform: ${t}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The grid layer's shift and cell: its marks must sit on the grid as the view moves. */
async function gridState(page: Page): Promise<{ shiftX: number; shiftY: number; cell: number }> {
  return page.locator('.canvas-grid-pattern').evaluate((el) => {
    const style = (el as HTMLElement).style;
    const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\)/.exec(style.transform);
    return { shiftX: Number(m?.[1]), shiftY: Number(m?.[2]), cell: parseFloat(style.backgroundSize) };
  });
}

test('dragging the empty canvas pans it with the grid; the overview map moves and zooms the view', async ({ page }) => {
  await openApp(page);
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const before = await viewport(page);

  // Pan by dragging an empty spot (above the two nodes): the view follows the pointer exactly, and the grid with it.
  const start = { x: pane.x + pane.width / 2, y: pane.y + 40 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 120, start.y + 70, { steps: 12 });
  await page.mouse.up();
  const panned = await viewport(page);
  expect(panned[0] - before[0]).toBeCloseTo(120, 0);
  expect(panned[1] - before[1]).toBeCloseTo(70, 0);
  const grid = await gridState(page);
  expect(grid.cell).toBeCloseTo(20 * panned[2], 1);
  // Dots sit mid-cell: the first one at x = shift - cell/2 must be on a multiple of the grid in flow units.
  const dotFlowX = (grid.shiftX - grid.cell / 2 - panned[0]) / panned[2];
  expect(Math.abs(dotFlowX / 20 - Math.round(dotFlowX / 20))).toBeLessThan(1e-3);

  // A click on the map centres the view on that point of the pipeline; the zoom stays.
  const map = page.getByTestId('canvas-minimap');
  await expect(map).toBeVisible();
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + 8, box.y + 8);
  const jumped = await viewport(page);
  expect(jumped[2]).toBeCloseTo(panned[2], 5);
  expect(Math.hypot(jumped[0] - panned[0], jumped[1] - panned[1])).toBeGreaterThan(20);
  // Clicking the map's centre brings the pipeline back to about where the fitted view had it.
  await page.keyboard.press('f');
  await page.waitForTimeout(300);
  const fitted = await viewport(page);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const back = await viewport(page);
  expect(Math.abs(back[0] - fitted[0])).toBeLessThan(pane.width / 4);
  expect(Math.abs(back[1] - fitted[1])).toBeLessThan(pane.height / 4);

  // The wheel over the map zooms the canvas, not the page.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await viewport(page))[2]).toBeGreaterThan(back[2] * 1.2);
  await page.screenshot({ path: join(ROOT, 'test-results', 'canvas-minimap.png') });
});

test('zoomed far out, nodes leave out their small print but keep their size and ports', async ({ page }) => {
  await openApp(page);
  const node = page.getByTestId('node-read_penguins');
  const size = async () => {
    const box = (await node.boundingBox())!;
    const [, , zoom] = await viewport(page);
    return { width: box.width / zoom, height: box.height / zoom, zoom };
  };
  const near = await size();
  expect(near.zoom).toBeGreaterThanOrEqual(0.45);
  await expect(node.locator('.port-name').first()).toBeVisible();

  for (let i = 0; i < 12 && (await viewport(page))[2] >= 0.45; i++) {
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300);
  const far = await size();
  expect(far.zoom).toBeLessThan(0.45);
  await expect(node.locator('.port-name')).toHaveCount(0);
  await expect(node.getByTestId('port-out-out')).toBeAttached();
  expect(far.width).toBeCloseTo(near.width, 0);
  expect(far.height).toBeCloseTo(near.height, 0);
  // The wire still meets the ports, and the names come back when zoomed in again.
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await page.keyboard.press('f');
  await expect(node.locator('.port-name').first()).toBeVisible();
});
