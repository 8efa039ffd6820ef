import { copyFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../src-shared/api/contract.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createPlumbApp } from '../composition.js';
import type { ApiService } from './api-service.js';

/** document.autosave / recover / discardAutosave through the real service and real files. */
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'penguins-profile.plumb');
let dir: string;
let home: string;
let file: string;
let original: string;
let service: ApiService;
let doc: PipelineDocument;

const recover = async (path: string | null) =>
  API['document.recover'].response.parse(await service.call('document.recover', { path })).autosave;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autosave-api-'));
  home = join(dir, 'home');
  file = join(dir, 'penguins.plumb');
  await copyFile(EXAMPLE, file);
  original = await readFile(file, 'utf8');
  const loaded = parsePipelineText(original);
  if (!loaded.ok) throw new Error(loaded.reason);
  doc = loaded.document;
  service = await createPlumbApp({ home, abilities: { host: 'browser' }, initialPath: null, workers: 1 });
});
afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('autosave of unsaved work', () => {
  it('offers nothing when nothing was autosaved', async () => {
    expect(await recover(file)).toBeNull();
    expect(await recover(null)).toBeNull();
  });

  it('keeps edited work in the state folder, never in the file, and offers it back', async () => {
    const edited = { ...doc, name: 'Penguins, edited' };
    await service.call('document.autosave', { path: file, document: edited });
    expect(await readFile(file, 'utf8')).toBe(original);
    expect(await readdir(join(home, 'autosave'))).toHaveLength(1);

    const found = await recover(file);
    expect(found?.document.name).toBe('Penguins, edited');
    expect(found?.document.nodes.map((n) => n.id)).toEqual(doc.nodes.map((n) => n.id));
    expect(found?.path).toBe(file);
    expect(found?.fileModifiedAt).toBeGreaterThan(0);
    // Untitled work is kept apart from the file's.
    expect(await recover(null)).toBeNull();
  });

  it('drops the autosave once the file was saved after it', async () => {
    await service.call('document.autosave', { path: file, document: { ...doc, name: 'older work' } });
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    expect(await recover(file)).toBeNull();
    expect(await readdir(join(home, 'autosave'))).toHaveLength(0);
  });

  it('offers nothing when the autosave matches the file', async () => {
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
    await service.call('document.autosave', { path: file, document: doc });
    expect(await recover(file)).toBeNull();
  });

  it('keeps untitled work, and discards on request', async () => {
    await service.call('document.autosave', { path: null, document: { ...doc, name: 'Draft' } });
    const found = await recover(null);
    expect(found).toMatchObject({ path: null, fileModifiedAt: null });
    expect(found?.document.name).toBe('Draft');
    expect(await service.call('document.discardAutosave', { path: null })).toEqual({ discarded: true });
    expect(await service.call('document.discardAutosave', { path: null })).toEqual({ discarded: false });
    expect(await recover(null)).toBeNull();
  });

  it('ignores a damaged autosave instead of failing', async () => {
    await service.call('document.autosave', { path: null, document: doc });
    const [name] = await readdir(join(home, 'autosave'));
    await writeFile(join(home, 'autosave', name!), '{"path":null,"savedAt":1,"text":"{trunc');
    expect(await recover(null)).toBeNull();
  });

  it('refuses a document that is not a pipeline, naming the field', async () => {
    await expect(service.call('document.autosave', { path: file, document: { ...doc, nodes: 'x' } })).rejects.toThrow(/document\.nodes/);
  });
});
