import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/files.js';

const MAX_RECENT = 10;
const RecentJson = z.object({ paths: z.array(z.string()) });

/** The recently opened or saved pipelines, newest first, kept in `<home>/recent.json`. */
export class RecentFiles {
  constructor(private readonly file: string) {}

  async list(): Promise<string[]> {
    try {
      const parsed = RecentJson.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      // A damaged list is not worth failing over: it only lists shortcuts.
      return parsed.success ? parsed.data.paths.slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  async add(path: string): Promise<void> {
    const paths = [path, ...(await this.list()).filter((p) => p !== path)].slice(0, MAX_RECENT);
    await mkdir(dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify({ paths }, null, 2) + '\n');
  }
}
