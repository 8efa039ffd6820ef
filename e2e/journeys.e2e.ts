import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPipeline as openFile } from './helpers.js';

/**
 * The canvas editor's journeys (issue 7), each asserting what a user sees: files (unsaved work,
 * autosave and recovery, a broken file), the app's chrome (help, themes, 1280x800), and building,
 * running and inspecting the churn pipeline by hand. Screenshots go to test-results/journeys/.
 */
const ROOT = join(import.meta.dirname, '..');
const url = (): string => process.env.PLUMB_E2E_URL!;
const work = (): string => process.env.PLUMB_E2E_WORK!;
const example = (): string => join(work(), 'examples', 'penguins-profile.plumb');
const SHOTS = join(ROOT, 'test-results', 'journeys');

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function openApp(page: Page): Promise<void> {
  await page.goto(url());
  await expect(page.getByTestId('node-read_penguins')).toBeVisible();
}

async function saveAs(page: Page, path: string): Promise<void> {
  await page.getByTestId('command-file.saveAs').click();
  const input = page.getByTestId('save-path-input');
  await input.fill(path);
  await input.press('Enter');
  await expect(page.getByTestId('document-path')).toHaveAttribute('title', path);
}

async function rename(page: Page, name: string): Promise<void> {
  const field = page.getByTestId('document-name');
  await field.fill(name);
  await field.press('Enter');
}

test.describe('files', () => {
  test('unsaved work: asked before it is lost, kept while unsaved, offered back after a crash', async ({ page, context }) => {
    await openApp(page);
    const dir = join(work(), 'journeys');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'recovery.plumb');
    await saveAs(page, file);
    const onDisk = readFileSync(file, 'utf8');

    await rename(page, 'Penguins, edited');
    await expect(page.getByTestId('dirty-marker')).toBeVisible();

    // New and Open both ask first; saying no keeps the work.
    await page.getByTestId('command-file.new').click();
    await expect(page.getByTestId('confirm-dialog')).toContainText('Discard unsaved changes?');
    await expect(page.getByTestId('confirm-dialog')).toContainText('Penguins, edited');
    await page.getByTestId('confirm-cancel').click();
    await page.getByTestId('command-file.open').click();
    await expect(page.getByTestId('confirm-dialog')).toBeVisible();
    await page.getByTestId('confirm-cancel').click();
    await expect(page.getByTestId('document-name')).toHaveValue('Penguins, edited');

    // Closing the tab asks too (the browser's own prompt), and staying keeps everything.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);

    // The work is kept in the state folder, and the file is left as it was saved.
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-autosaved', 'true');
    expect(readFileSync(file, 'utf8')).toBe(onDisk);

    // The tab dies without a word (as in a crash); the next start offers the work back.
    await page.close();
    const next = await context.newPage();
    await next.goto(url());
    await openFile(next, file);
    const banner = next.getByTestId('recovery-banner');
    await expect(banner).toContainText('recovery.plumb');
    await expect(next.getByTestId('document-name')).toHaveValue('Penguins: read and profile');
    await shot(next, 'recovery-offer');
    await next.getByTestId('recovery-restore').click();
    await expect(banner).toHaveCount(0);
    await expect(next.getByTestId('document-name')).toHaveValue('Penguins, edited');
    await expect(next.getByTestId('dirty-marker')).toBeVisible();
    await expect(next.getByTestId('document-path')).toHaveAttribute('title', file);

    // Restoring is one edit: undo shows the file as saved.
    await next.getByTestId('command-edit.undo').click();
    await expect(next.getByTestId('document-name')).toHaveValue('Penguins: read and profile');
    await next.getByTestId('command-edit.redo').click();
    await next.getByTestId('command-file.save').click();
    await expect(next.getByTestId('dirty-marker')).toHaveCount(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('Penguins, edited');

    // Saved work is nothing to recover: a fresh start offers nothing.
    await next.goto(url());
    await openFile(next, file);
    await expect(next.getByTestId('node-read_penguins')).toBeVisible();
    await next.waitForTimeout(500);
    await expect(next.getByTestId('recovery-banner')).toHaveCount(0);
  });

  test('recovered work can be discarded, and is then gone', async ({ context }) => {
    let page = await context.newPage();
    await openApp(page);
    const file = join(work(), 'journeys', 'discard.plumb');
    mkdirSync(join(work(), 'journeys'), { recursive: true });
    await saveAs(page, file);
    await rename(page, 'Throwaway edit');
    await expect(page.getByTestId('dirty-marker')).toHaveAttribute('data-autosaved', 'true');
    await page.close();
    page = await context.newPage();
    await openApp(page);
    await openFile(page, file);
    await page.getByTestId('recovery-discard').click();
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);
    await page.goto(url());
    await openFile(page, file);
    await page.waitForTimeout(500);
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);
    await expect(page.getByTestId('document-name')).toHaveValue('Penguins: read and profile');
  });

  test('a broken file opens with its problems on the nodes they concern', async ({ page }) => {
    await openApp(page);
    const doc = JSON.parse(readFileSync(example(), 'utf8')) as {
      nodes: { id: string; type: string; params: Record<string, unknown> }[];
      edges: unknown[];
    };
    doc.nodes.push({ ...doc.nodes[0]!, id: 'mystery', type: 'ingest.mystery', params: {} });
    doc.nodes[0]!.params.delimiter = 'two chars';
    doc.edges.push({ id: 'dangling', from: { node: 'gone', port: 'out' }, to: { node: 'profile', port: 'in' } });
    const broken = join(work(), 'journeys', 'broken-graph.plumb');
    mkdirSync(join(work(), 'journeys'), { recursive: true });
    writeFileSync(broken, JSON.stringify(doc, null, 2));

    await openFile(page, broken);
    // Everything that can be shown is shown: the known nodes and the unknown one.
    await expect(page.getByTestId('node-read_penguins')).toBeVisible();
    await expect(page.getByTestId('node-profile')).toBeVisible();
    await expect(page.getByTestId('node-mystery')).toBeVisible();
    await expect(page.getByTestId('node-problems-mystery')).toBeVisible();
    await expect(page.getByTestId('node-problems-read_penguins')).toBeVisible();
    const problems = page.getByTestId('problem-list');
    await expect(problems).toContainText('ingest.mystery');
    await expect(problems).toContainText('gone');
    await expect(problems).toContainText(/delimiter/i);
    await shot(page, 'broken-file');
  });
});

test.describe('chrome', () => {
  test('? lists every command with its shortcut, and buttons tell their shortcut', async ({ page }) => {
    await openApp(page);
    await expect(page.getByTestId('command-file.save')).toHaveAttribute('title', 'Save (Ctrl+S)');
    await expect(page.getByTestId('command-edit.undo')).toHaveAttribute('title', 'Undo (Ctrl+Z)');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Shift+?');
    const help = page.getByTestId('help-dialog');
    await expect(help).toBeVisible();
    await expect(help.getByTestId('help-file.save')).toContainText('Ctrl+S');
    await expect(help.getByTestId('help-edit.redo')).toContainText('Ctrl+Shift+Z');
    await expect(help.getByTestId('help-edit.redo')).toContainText('Ctrl+Y');
    await expect(help.getByTestId('help-run.all')).toContainText('Ctrl+Enter');
    await expect(help.getByTestId('help-help.shortcuts')).toContainText('?');
    await shot(page, 'help');
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);
  });

  test('follows the system theme, and fits 1280x800', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openApp(page);
    const colours = () =>
      page.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        panel: getComputedStyle(document.querySelector('.topbar')!).backgroundColor,
        text: getComputedStyle(document.body).color,
      }));
    const light = await colours();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    expect(luminance(light.panel)).toBeGreaterThan(200);
    expect(luminance(dark.panel)).toBeLessThan(60);
    expect(luminance(dark.text)).toBeGreaterThan(180);
    expect(luminance(light.text)).toBeLessThan(80);
    await shot(page, 'dark');

    // At 1280x800 nothing needs scrolling sideways and the main areas are all on screen.
    expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // The top bar keeps to one line.
    expect((await page.locator('.topbar').boundingBox())!.height).toBeLessThan(64);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['canvas', 'inspector', 'run-log', 'command-run.all', 'command-file.saveAs']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(1281);
      expect(box!.width, id).toBeGreaterThan(20);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await shot(page, 'light');
  });
});

async function centre(page: Page, testId: string, within?: string): Promise<{ x: number; y: number }> {
  const locator = within ? page.getByTestId(within).getByTestId(testId) : page.getByTestId(testId);
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a node type from the palette and drops it at (x, y) of the canvas. */
async function dropNode(page: Page, type: string, x: number, y: number): Promise<void> {
  const before = await page.locator('.react-flow__node-plumb').count();
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
  await expect(page.locator('.react-flow__node-plumb')).toHaveCount(before + 1);
}

/** Draws a wire from an output port to an input port, as a hand would. */
async function wire(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  const a = await centre(page, `port-out-${from[1]}`, `node-${from[0]}`);
  const b = await centre(page, `port-in-${to[1]}`, `node-${to[0]}`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

async function setText(page: Page, param: string, value: string): Promise<void> {
  const input = page.getByTestId(`param-${param}`).locator('input').first();
  await input.fill(value);
  await input.press('Enter');
}

const CHURN = {
  read: 'ingestsample_1',
  checks: 'validateexpectations_1',
  impute: 'featureimpute_1',
  encode: 'featureencode_1',
  split: 'splittrain_test_1',
  model: 'trainlogistic_regression_1',
  evaluate: 'evaluatemodel_1',
};

test.describe('the churn pipeline, built by hand', () => {
  test.setTimeout(240_000);

  test('dragged from the palette, wired, set up in the inspector, run, inspected, changed and re-run', async ({ page }) => {
    await openApp(page);
    await page.getByTestId('command-file.new').click();
    await expect(page.locator('.react-flow__node-plumb')).toHaveCount(0);

    // Room for seven nodes: the first node dropped fits the view to it, so drop one, zoom out,
    // and take it back; then drop all seven from the palette in three rows.
    await dropNode(page, 'ingest.sample', 300, 200);
    await page.waitForTimeout(300);
    await page.getByTestId('command-edit.undo').click();
    await expect(page.locator('.react-flow__node-plumb')).toHaveCount(0);
    for (let i = 0; i < 4; i++) {
      await page.locator('.react-flow__controls-zoomout').click();
      await page.waitForTimeout(250);
    }
    await dropNode(page, 'ingest.sample', 60, 30);
    await dropNode(page, 'validate.expectations', 250, 30);
    await dropNode(page, 'feature.impute', 440, 30);
    await dropNode(page, 'feature.encode', 60, 210);
    await dropNode(page, 'split.train_test', 250, 210);
    await dropNode(page, 'train.logistic_regression', 440, 210);
    await dropNode(page, 'evaluate.model', 250, 390);
    for (const id of Object.values(CHURN)) await expect(page.getByTestId(`node-${id}`)).toBeVisible();

    await wire(page, [CHURN.read, 'out'], [CHURN.checks, 'in']);
    await wire(page, [CHURN.checks, 'out'], [CHURN.impute, 'in']);
    await wire(page, [CHURN.impute, 'out'], [CHURN.encode, 'in']);
    await wire(page, [CHURN.encode, 'out'], [CHURN.split, 'in']);
    await wire(page, [CHURN.split, 'train'], [CHURN.model, 'train']);
    await wire(page, [CHURN.model, 'model'], [CHURN.evaluate, 'model']);
    await wire(page, [CHURN.split, 'test'], [CHURN.evaluate, 'data']);
    await expect(page.locator('.react-flow__edge')).toHaveCount(7);

    // Params through the inspector; the pickers list telco_churn's columns before anything ran.
    await page.getByTestId(`node-${CHURN.read}`).click();
    await page.getByTestId('param-dataset').locator('select').selectOption('telco_churn');
    await page.getByTestId(`node-${CHURN.impute}`).click();
    const imputeColumns = page.getByTestId('param-columns');
    for (const column of ['tenure', 'monthly_charges', 'total_charges', 'contract']) {
      await expect(imputeColumns.getByTestId(`column-chip-${column}`)).toBeVisible();
    }
    await imputeColumns.getByTestId('column-chip-total_charges').click();
    await expect(imputeColumns.locator('input')).toHaveValue('total_charges');
    await page.getByTestId(`node-${CHURN.encode}`).click();
    await setText(page, 'columns', 'multiple_lines, internet_service, online_security, online_backup, device_protection, tech_support, streaming_tv, streaming_movies, contract, payment_method');
    // Some test rows hold values the training rows never had: those encode as all zeros.
    await page.getByTestId('param-handle_unknown').locator('select').selectOption('ignore');
    await page.getByTestId(`node-${CHURN.split}`).click();
    await page.getByTestId('param-method').locator('select').selectOption('stratified');
    // One-hot columns depend on the data, so below the encoder columns are typed until it has run.
    await setText(page, 'stratify', 'churn');
    await page.getByTestId(`node-${CHURN.model}`).click();
    await setText(page, 'target', 'churn');
    await setText(page, 'max_iter', '1000');
    await page.getByTestId(`node-${CHURN.evaluate}`).click();
    await setText(page, 'positive', 'true');
    await expect(page.getByTestId(`node-problems-${CHURN.model}`)).toHaveCount(0);
    await shot(page, 'churn-built');

    // Run: every node reaches succeeded (or cached, when an earlier journey computed the same).
    await page.getByTestId('command-run.all').click();
    await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 120_000 });
    for (const id of Object.values(CHURN)) await expect(page.getByTestId(`node-status-${id}`)).toHaveText(/succeeded|cached/);

    // The split's train port, previewed in the inspector's grid.
    await page.getByTestId(`node-${CHURN.split}`).click();
    const train = page.getByTestId(`output-${CHURN.split}-train`);
    await train.scrollIntoViewIfNeeded();
    // A stratified quarter is held out: 7,043 - 1,761 rows train.
    await expect(page.getByTestId(`output-rows-${CHURN.split}-train`)).toHaveText('5,282 rows');
    await expect(train.getByTestId('table-preview')).toBeVisible();
    await expect(train.getByTestId('table-grid').getByRole('gridcell').first()).not.toBeEmpty();
    await expect(train.getByTestId('histogram-tenure')).toBeVisible();
    await shot(page, 'churn-train-preview');

    // A param change turns that node and everything downstream stale, and nothing upstream.
    await page.getByTestId(`node-${CHURN.model}`).click();
    await setText(page, 'C', '0.5');
    for (const id of [CHURN.model, CHURN.evaluate]) await expect(page.getByTestId(`node-status-${id}`)).toHaveText('stale');
    for (const id of [CHURN.read, CHURN.checks, CHURN.split]) await expect(page.getByTestId(`node-status-${id}`)).not.toHaveText('stale');

    // Re-run: upstream from the cache, the changed part computed.
    await page.getByTestId('command-run.all').click();
    await expect(page.getByTestId('run-status')).toHaveText('Run succeeded', { timeout: 120_000 });
    for (const id of [CHURN.read, CHURN.checks, CHURN.impute, CHURN.encode, CHURN.split]) {
      await expect(page.getByTestId(`node-status-${id}`)).toHaveText('cached');
    }
    await expect(page.getByTestId(`node-status-${CHURN.model}`)).toHaveText('succeeded');
    await expect(page.getByTestId(`node-status-${CHURN.evaluate}`)).toHaveText('succeeded');
    await shot(page, 'churn-rerun');
    const readmeShot = join(ROOT, 'docs', 'screenshot.png');
    if (process.env.PLUMB_SCREENSHOT === '1') await page.screenshot({ path: readmeShot });

    // Save, reload, and the document is identical.
    const file = join(work(), 'journeys', 'churn.plumb');
    mkdirSync(join(work(), 'journeys'), { recursive: true });
    await saveAs(page, file);
    const saved = readFileSync(file, 'utf8');
    await page.goto(url());
    await openFile(page, file);
    await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
    // The reopened document written to a new file, waited for (a read right after clicking Save could
    // see the previous, identical bytes): the same bytes.
    const again = join(work(), 'journeys', 'churn-again.plumb');
    rmSync(again, { force: true });
    await saveAs(page, again);
    await expect.poll(() => existsSync(again)).toBe(true);
    expect(readFileSync(again, 'utf8')).toBe(saved);
    expect(JSON.parse(saved).nodes).toHaveLength(7);
    expect(JSON.parse(saved).edges).toHaveLength(7);
  });
});

test.describe('editing and running, the rest of the issue', () => {
  const pipeline = (name: string, nodes: object[], edges: object[]): string => {
    const path = join(work(), 'journeys', `${name}.plumb`);
    mkdirSync(join(work(), 'journeys'), { recursive: true });
    writeFileSync(path, JSON.stringify({ format: 'plumb.pipeline', version: 1, id: name, name, description: '', nodes, edges }, null, 2));
    return path;
  };
  const node = (id: string, type: string, x: number, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x, y: 80 }, params });
  const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

  test('undo and redo across ten edits restore the exact document', async ({ page }) => {
    await openApp(page);
    const file = pipeline('ten-edits', [node('telco', 'ingest.sample', 60, { dataset: 'telco_churn' }), node('model', 'train.logistic_regression', 400, { target: 'churn' })], [
      edge('e1', 'telco', 'out', 'model', 'train'),
    ]);
    await openFile(page, file);
    // Saving the opened document writes its canonical form: the "before" state to come back to.
    const raw = readFileSync(file, 'utf8');
    await saveAs(page, file);
    // The path shown was this file's already, so saveAs cannot tell the write is done: wait for
    // the canonical form (version 2, a final newline) to be on disk.
    await expect.poll(() => readFileSync(file, 'utf8')).not.toBe(raw);
    const before = readFileSync(file, 'utf8');

    await page.getByTestId('node-model').click();
    for (let i = 1; i <= 5; i++) await setText(page, 'max_iter', String(100 + i));
    for (let i = 1; i <= 4; i++) await setText(page, 'C', String(i / 10));
    await rename(page, 'Ten edits later');
    const after = JSON.parse(JSON.stringify({ name: 'Ten edits later' }));
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    for (let i = 0; i < 10; i++) await page.keyboard.press('Control+z');
    await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
    // Written to a new file whose arrival the test can wait for (reading right after clicking Save
    // could read the previous bytes, which equal the expected ones): byte for byte the saved one.
    const undone = join(work(), 'journeys', 'ten-edits-undone.plumb');
    rmSync(undone, { force: true });
    await saveAs(page, undone);
    await expect.poll(() => existsSync(undone)).toBe(true);
    expect(readFileSync(undone, 'utf8')).toBe(before);

    for (let i = 0; i < 10; i++) await page.keyboard.press('Control+Shift+z');
    await expect(page.getByTestId('document-name')).toHaveValue(after.name);
    await page.getByTestId('command-file.save').click();
    await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
    const redone = JSON.parse(readFileSync(undone, 'utf8'));
    expect(redone.name).toBe('Ten edits later');
    expect(redone.nodes.find((n: { id: string }) => n.id === 'model').params).toMatchObject({ max_iter: 105, C: 0.4 });
  });

  test('a node error shows on that node with its message', async ({ page }) => {
    await openApp(page);
    const missing = join(work(), 'journeys', 'no-such.csv');
    const file = pipeline('node-error', [node('read', 'ingest.csv', 60, { path: missing }), node('profile', 'validate.profile', 400, {})], [edge('e1', 'read', 'out', 'profile', 'in')]);
    await openFile(page, file);
    await page.getByTestId('command-run.all').click();
    await expect(page.getByTestId('run-status')).toHaveText('Run failed');
    await expect(page.getByTestId('node-status-read')).toHaveText('failed');
    await expect(page.getByTestId('node-read')).toContainText('no-such.csv');
    await expect(page.getByTestId('node-status-profile')).not.toHaveText('succeeded');
    await page.getByTestId('node-read').click();
    await expect(page.getByTestId('last-run-error')).toContainText('no-such.csv');
    await shot(page, 'node-error');
  });

  test('a long run is cancelled', async ({ page }) => {
    await openApp(page);
    const file = pipeline('long-run', [node('telco', 'ingest.sample', 60, { dataset: 'telco_churn' }), node('forest', 'train.random_forest', 400, { target: 'churn', features: ['tenure', 'monthly_charges'], n_estimators: 3000 })], [
      edge('e1', 'telco', 'out', 'forest', 'train'),
    ]);
    await openFile(page, file);
    await page.getByTestId('command-run.force').click();
    await expect(page.getByTestId('node-status-forest')).toHaveText('running', { timeout: 30_000 });
    await page.getByTestId('command-run.cancel').click();
    await expect(page.getByTestId('run-status')).toHaveText('Run cancelled');
    await expect(page.getByTestId('node-status-forest')).toHaveText('cancelled');
  });
});
