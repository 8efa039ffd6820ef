import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ArtifactRecord } from '../lineage/types.js';
import type { ArtifactDraft } from './node-runner.js';

/**
 * Content-addressed artifact files under `<home>/artifacts/<2 hex>/<sha256><ext>`. A node run
 * writes into a temp folder of its own; `commit` hashes each finished file and renames it into
 * place, so a crash never leaves a torn file under a final name, and a failed or cancelled node
 * leaves nothing behind once its temp folder is removed.
 */
export class ArtifactStore {
  readonly root: string;
  readonly tmpRoot: string;

  constructor(home: string) {
    this.root = join(home, 'artifacts');
    this.tmpRoot = join(this.root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.tmpRoot, { recursive: true });
    await this.removeDeadTempFolders();
  }

  /** A fresh temp folder for one node run, named after this process so a later start can tell it is dead. */
  async tempFolder(): Promise<string> {
    const dir = join(this.tmpRoot, `${process.pid}-${randomUUID()}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** A temp file path (for code that writes outside a node run, such as benchmarks). */
  tempPath(extension: string): string {
    return join(this.tmpRoot, `${process.pid}-${randomUUID()}${extension.startsWith('.') ? extension : `.${extension}`}`);
  }

  async commit(draft: ArtifactDraft, tmpDir: string = this.tmpRoot): Promise<ArtifactRecord> {
    let file: string;
    if (draft.kind === 'report') {
      file = join(tmpDir, `${randomUUID()}.json`);
      await writeFile(file, JSON.stringify(draft.data, null, 2) + '\n');
    } else {
      file = draft.file;
    }
    const hash = await sha256File(file);
    const dir = join(this.root, hash.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${hash}${extname(file)}`);
    // Same content, same name: an existing file is already this artifact.
    await rename(file, path);
    const { size } = await stat(path);
    if (draft.kind === 'table') {
      return { kind: 'table', path, hash, bytes: size, rows: draft.rows, columns: draft.columns };
    }
    return { kind: draft.kind, path, hash, bytes: size };
  }

  async discard(tmpDir: string): Promise<void> {
    await rm(tmpDir, { recursive: true, force: true });
  }

  /** Whether a stored artifact is still on disk with its recorded size. */
  async intact(a: Pick<ArtifactRecord, 'path' | 'bytes'>): Promise<boolean> {
    try {
      return (await stat(a.path)).size === a.bytes;
    } catch {
      return false;
    }
  }

  async delete(a: Pick<ArtifactRecord, 'path'>): Promise<void> {
    await rm(a.path, { force: true });
  }

  /** Temp folders of processes that are gone (a crash, a kill) hold only partial output. */
  private async removeDeadTempFolders(): Promise<void> {
    for (const name of await readdir(this.tmpRoot)) {
      const pid = Number(name.split('-')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
        await rm(join(this.tmpRoot, name), { recursive: true, force: true });
      }
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
