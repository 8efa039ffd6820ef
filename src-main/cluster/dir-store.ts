import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { artifactHash, isAlive, sha256File } from '../engine/artifact-store.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { writeFileAtomic } from '../util/files.js';
import { MemoEntry, RunEnd, StepRecord, StoreError, StoredArtifact, TornArtifactError, artifactFileName, type StepStore } from './store.js';

/**
 * The store as a directory (`--store DIR`; a mounted ReadWriteMany volume on a cluster):
 *   artifacts/<2 hex>/<hash><ext>   content-addressed, written by rename, verified on read
 *   memo/<2 hex>/<cache key>.json    cache key -> outputs
 *   runs/<run>/pipeline.plumb        the document the run started from
 *   runs/<run>/steps/<node>.json     one step record per node
 *   runs/<run>/run.json              how the run ended (written by the local target)
 *   tmp/<host>-<pid>-<uuid>/         a step's scratch state, removed when it ends
 * Every JSON file is written to a temp name and renamed, so readers never see half of one.
 */
export class DirStore implements StepStore {
  readonly location: string;

  constructor(dir: string) {
    this.location = resolve(dir);
  }

  async init(): Promise<void> {
    try {
      for (const sub of ['artifacts', 'memo', 'runs', 'tmp']) await mkdir(join(this.location, sub), { recursive: true });
      const probe = join(this.location, 'tmp', `.probe-${process.pid}-${randomUUID().slice(0, 8)}`);
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    } catch (e) {
      throw new StoreError(`store ${this.location} is not a writable folder: ${(e as Error).message}`);
    }
    await this.removeDeadScratch();
  }

  async putArtifact(localFile: string, record: ArtifactRecord): Promise<StoredArtifact> {
    await verify(localFile, record.hash, record.kind === 'table' ? record.meta : undefined, localFile);
    const file = artifactFileName(record.hash, extname(record.path));
    const target = join(this.location, file);
    await mkdir(dirname(target), { recursive: true });
    // Same name, same bytes: replacing an existing copy is harmless, and repairs a torn one.
    try {
      await rename(localFile, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      const tmp = `${target}.${randomUUID().slice(0, 8)}.tmp`;
      await copyFile(localFile, tmp);
      await rename(tmp, target);
    }
    return StoredArtifact.parse({
      hash: record.hash,
      kind: record.kind,
      file,
      bytes: record.bytes,
      ...(record.rows !== undefined ? { rows: record.rows } : {}),
      ...(record.columns ? { columns: record.columns } : {}),
      ...(record.meta ? { meta: record.meta } : {}),
    });
  }

  async readArtifact(a: StoredArtifact): Promise<string> {
    const path = this.pathOf(a);
    await verify(path, a.hash, a.kind === 'table' ? a.meta : undefined, path);
    return path;
  }

  async hasArtifact(a: StoredArtifact): Promise<boolean> {
    try {
      return (await stat(this.pathOf(a))).size === a.bytes;
    } catch {
      return false;
    }
  }

  /** Absolute path of a stored artifact (a source file keeps the path the step read). */
  pathOf(a: StoredArtifact): string {
    return a.kind === 'file' ? a.file : join(this.location, a.file);
  }

  async getMemo(cacheKey: string): Promise<MemoEntry | undefined> {
    return this.readJson(join(this.location, 'memo', cacheKey.slice(0, 2), `${safeName(cacheKey)}.json`), MemoEntry);
  }

  async putMemo(entry: MemoEntry): Promise<void> {
    await this.writeJson(join(this.location, 'memo', entry.cacheKey.slice(0, 2), `${safeName(entry.cacheKey)}.json`), entry);
  }

  async putStep(step: StepRecord): Promise<void> {
    await this.writeJson(join(this.runDir(step.runId), 'steps', `${safeName(step.node)}.json`), step);
  }

  async getStep(runId: string, nodeId: string): Promise<StepRecord | undefined> {
    return this.readJson(join(this.runDir(runId), 'steps', `${safeName(nodeId)}.json`), StepRecord);
  }

  async listRuns(): Promise<string[]> {
    return (await readdir(join(this.location, 'runs'), { withFileTypes: true }).catch(() => []))
      .filter((d) => d.isDirectory())
      .map((d) => decodeURIComponent(d.name))
      .sort();
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const dir = join(this.runDir(runId), 'steps');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    const steps: StepRecord[] = [];
    for (const n of names) {
      const step = await this.readJson(join(dir, n), StepRecord);
      if (step) steps.push(step);
    }
    return steps;
  }

  async putRunDocument(runId: string, text: string): Promise<void> {
    const path = join(this.runDir(runId), 'pipeline.plumb');
    if (await exists(path)) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  }

  async getRunDocument(runId: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.runDir(runId), 'pipeline.plumb'), 'utf8');
    } catch {
      return undefined;
    }
  }

  async putRunEnd(runId: string, end: RunEnd): Promise<void> {
    await this.writeJson(join(this.runDir(runId), 'run.json'), end);
  }

  async getRunEnd(runId: string): Promise<RunEnd | undefined> {
    return this.readJson(join(this.runDir(runId), 'run.json'), RunEnd);
  }

  async scratchFolder(): Promise<string> {
    const dir = join(this.location, 'tmp', `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async removeScratch(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  private runDir(runId: string): string {
    return join(this.location, 'runs', safeName(runId));
  }

  private async readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    let parsed: z.ZodSafeParseResult<T>;
    try {
      parsed = schema.safeParse(JSON.parse(text));
    } catch (e) {
      throw new StoreError(`${path}: not JSON (${(e as Error).message})`);
    }
    if (!parsed.success) throw new StoreError(`${path}: not a valid store record (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`);
    return parsed.data;
  }

  private async writeJson(path: string, value: unknown): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
  }

  /** Scratch folders of this host's dead step processes (a kill, an OOM) hold only partial output. */
  private async removeDeadScratch(): Promise<void> {
    const host = hostname();
    for (const name of await readdir(join(this.location, 'tmp')).catch(() => [] as string[])) {
      if (!name.startsWith(`${host}-`)) continue;
      const pid = Number(name.slice(host.length + 1).split('-')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) await rm(join(this.location, 'tmp', name), { recursive: true, force: true });
    }
  }
}

/** Node ids and run names become file names: anything but [A-Za-z0-9._-] is percent-encoded. */
function safeName(s: string): string {
  return encodeURIComponent(s).replace(/\*/g, '%2A').replace(/^\./, '%2E');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function verify(path: string, hash: string, meta: Readonly<Record<string, unknown>> | undefined, shown: string): Promise<void> {
  let content: string;
  try {
    content = await sha256File(path);
  } catch (e) {
    throw new StoreError(`artifact ${hash} is missing from the store: ${shown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (artifactHash(content, meta) !== hash) throw new TornArtifactError(hash, shown);
}
