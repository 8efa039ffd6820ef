import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ArtifactDraft, StoredArtifact } from './node-runner.js';

/**
 * Content-addressed artifact files under `<home>/artifacts`. Writers get a temp path; `commit`
 * hashes the finished file and renames it into place, so a crash never leaves a torn artifact
 * under its final name.
 */
export class ArtifactStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(home: string) {
    this.root = join(home, 'artifacts');
    this.tmpDir = join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
  }

  tempPath(extension: string): string {
    return join(this.tmpDir, `${randomUUID()}${extension.startsWith('.') ? extension : `.${extension}`}`);
  }

  async commit(draft: ArtifactDraft): Promise<StoredArtifact> {
    let file: string;
    if (draft.kind === 'report') {
      file = this.tempPath('.json');
      await writeFile(file, JSON.stringify(draft.data, null, 2) + '\n');
    } else {
      file = draft.file;
    }
    const hash = await sha256File(file);
    const dir = join(this.root, hash.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${hash}${extname(file)}`);
    await rename(file, path);
    const { size } = await stat(path);
    if (draft.kind === 'table') {
      return { kind: 'table', path, hash, bytes: size, rows: draft.rows, columns: draft.columns };
    }
    return { kind: draft.kind, path, hash, bytes: size };
  }

  /** Removes a temp file a failed or cancelled node left behind. */
  async discard(file: string): Promise<void> {
    await rm(file, { force: true });
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
