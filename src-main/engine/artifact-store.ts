import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { sortKeys } from '../../src-shared/pipeline/canonical.js';
import type { ArtifactMeta, ArtifactRecord } from '../lineage/types.js';
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

  /**
   * A fresh temp folder path for one node run, named after this process so a later start can
   * tell it is dead. It is created by whoever first writes into it (most nodes write one file).
   */
  tempFolderPath(): string {
    return join(this.tmpRoot, `${process.pid}-${randomUUID()}`);
  }

  async tempFolder(): Promise<string> {
    const dir = this.tempFolderPath();
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** A temp file path (for code that writes outside a node run, such as benchmarks). */
  tempPath(extension: string): string {
    return join(this.tmpRoot, `${process.pid}-${randomUUID()}${extension.startsWith('.') ? extension : `.${extension}`}`);
  }

  async commit(draft: ArtifactDraft): Promise<ArtifactRecord> {
    if (draft.kind === 'report') {
      // Hashed in memory and written once, to a temp name beside its final one.
      const text = Buffer.from(JSON.stringify(draft.data, null, 2) + '\n');
      const hash = createHash('sha256').update(text).digest('hex');
      const path = await this.finalPath(hash, '.json');
      const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, path);
      return { kind: 'report', path, hash, bytes: text.length };
    }
    const content = await hashFile(draft.file);
    const meta = draft.kind === 'table' ? draft.meta : undefined;
    const hash = artifactHash(content.hash, meta);
    const path = await this.finalPath(hash, extname(draft.file));
    const bytes = content.bytes;
    // Same identity, same name: an existing file is already this artifact.
    await rename(draft.file, path);
    if (draft.kind === 'table') {
      return { kind: 'table', path, hash, bytes, rows: draft.rows, columns: draft.columns, ...(meta ? { meta } : {}) };
    }
    return { kind: draft.kind, path, hash, bytes };
  }

  private readonly knownDirs = new Set<string>();

  private async finalPath(hash: string, ext: string): Promise<string> {
    const dir = join(this.root, hash.slice(0, 2));
    if (!this.knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    return join(dir, `${hash}${ext}`);
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

/**
 * An artifact's identity: its content hash, or for an artifact with metadata the hash of both,
 * so two tables with equal rows but different fitted chains are never confused.
 */
export function artifactHash(contentHash: string, meta: ArtifactMeta | undefined): string {
  if (!meta) return contentHash;
  return createHash('sha256').update(`${contentHash}\n${JSON.stringify(sortKeys(meta))}`).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  return (await hashFile(path)).hash;
}

async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: hash.digest('hex'), bytes };
}
