import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { sha256, writeFileAtomic } from '../util/files.js';

/** What an autosave file holds: the document as saved text, so migrations apply on recovery. */
const AutosaveJson = z.object({
  path: z.string().nullable(),
  savedAt: z.number(),
  text: z.string(),
});

export interface RecoveredWork {
  readonly path: string | null;
  readonly document: PipelineDocument;
  readonly savedAt: number;
  readonly fileModifiedAt: number | null;
}

/**
 * Unsaved work kept in `<home>/autosave/`, one file per pipeline path (or one for untitled work),
 * named by a hash of the path. The user's own file is never written here: only an explicit save
 * touches it.
 */
export class Autosaves {
  private readonly dir: string;

  constructor(home: string, private readonly now: () => number = Date.now) {
    this.dir = join(home, 'autosave');
  }

  async save(path: string | null, document: PipelineDocument): Promise<{ savedAt: number }> {
    const savedAt = this.now();
    const key = keyOf(path);
    await mkdir(this.dir, { recursive: true });
    const body = { path: key === UNTITLED ? null : key, savedAt, text: toCanonicalJson(document) };
    await writeFileAtomic(this.fileOf(key), JSON.stringify(body) + '\n');
    return { savedAt };
  }

  /**
   * The autosaved work for `path`, unless the file was saved after it (then the autosave is stale
   * and removed). A damaged autosave, or one from a newer Plumb, is left alone and not offered.
   */
  async recover(path: string | null): Promise<RecoveredWork | null> {
    const key = keyOf(path);
    const file = this.fileOf(key);
    let body: z.infer<typeof AutosaveJson>;
    try {
      const parsed = AutosaveJson.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (!parsed.success) return null;
      body = parsed.data;
    } catch {
      return null;
    }
    const loaded = parsePipelineText(body.text);
    if (!loaded.ok) return null;
    let fileModifiedAt: number | null = null;
    if (key !== UNTITLED) {
      const info = await stat(key).catch(() => null);
      fileModifiedAt = info ? info.mtimeMs : null;
      if (fileModifiedAt !== null) {
        if (fileModifiedAt > body.savedAt) {
          await rm(file, { force: true });
          return null;
        }
        // Work that matches the file byte for byte is nothing to recover.
        const current = await readFile(key, 'utf8').catch(() => null);
        if (current !== null && current === toCanonicalJson(loaded.document)) {
          await rm(file, { force: true });
          return null;
        }
      }
    }
    return { path: body.path, document: loaded.document, savedAt: body.savedAt, fileModifiedAt };
  }

  async discard(path: string | null): Promise<boolean> {
    const file = this.fileOf(keyOf(path));
    const existed = (await stat(file).catch(() => null)) !== null;
    await rm(file, { force: true });
    return existed;
  }

  private fileOf(key: string): string {
    return join(this.dir, `${sha256(key).slice(0, 24)}.json`);
  }
}

const UNTITLED = '\u0000untitled';
const keyOf = (path: string | null): string => (path === null ? UNTITLED : resolve(path));
