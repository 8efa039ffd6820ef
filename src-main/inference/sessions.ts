import { realpath, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { OnnxSignature } from '../../src-shared/api/contract.js';
import { InferenceError, ortMessage } from './errors.js';
import { parseOnnx, readOnnxFile, signatureOf, type ReadOnnxOptions } from './inspect.js';

/**
 * onnxruntime sessions cached per model file, least recently used first out. The key is the
 * file's real path + size + mtime: an edited file gets a fresh session, an unchanged one is
 * never parsed twice. A session in use when it is evicted is released after its last use.
 */
export interface LoadedModel {
  readonly key: string;
  readonly path: string;
  readonly signature: OnnxSignature;
  readonly session: ort.InferenceSession;
}

export interface SessionCacheOptions extends ReadOnnxOptions {
  /** Sessions kept open (each holds the model's weights in native memory). Default 4. */
  readonly maxSessions?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /**
   * How long a file's identity (real path, size, mtime) is trusted before it is checked again
   * (default 1000 ms). The check is two file-system calls through libuv's thread pool: cheap
   * (~0.1 ms) but with a long tail under load, which single-row predictions would feel.
   */
  readonly recheckMs?: number;
}

interface Entry {
  readonly key: string;
  readonly loading: Promise<LoadedModel>;
  users: number;
  evicted: boolean;
}

/** Also the bench's bare session's: the comparison is about our path, not about ort's settings. */
export const DEFAULT_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  // ort's pool threads otherwise spin after each run waiting for more work: on a desktop shared
  // with the UI, DuckDB and node workers that burns a core for nothing (measured: half the CPU
  // time for the same latency on a 2-core machine).
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  // ort's log lines (warnings, and errors it also throws) would only repeat what our messages say.
  logSeverityLevel: 4,
};

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSessions: number;
  private readonly checked = new Map<string, { key: string; at: number }>();
  private disposed = false;

  constructor(private readonly opts: SessionCacheOptions = {}) {
    this.maxSessions = Math.max(1, opts.maxSessions ?? 4);
  }

  /** Runs `fn` with the model's session, loading it on first use; the session stays open during `fn`. */
  async use<T>(path: string, fn: (model: LoadedModel) => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('SessionCache used after dispose()');
    const file = await this.identify(path);
    let entry = this.entries.get(file.key);
    if (entry) {
      this.entries.delete(file.key); // re-insert: most recently used last
      this.entries.set(file.key, entry);
    } else {
      entry = { key: file.key, loading: this.load(path, file.key), users: 0, evicted: false };
      this.entries.set(file.key, entry);
      this.evictOverflow();
    }
    entry.users++;
    try {
      const model = await entry.loading.catch((e: unknown) => {
        // A failed load is not cached: the user may fix the file and try again.
        if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
        throw e;
      });
      return await fn(model);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) void release(entry);
    }
  }

  /** The signature of a cached or freshly loaded model. */
  signature(path: string): Promise<OnnxSignature> {
    return this.use(path, async (m) => m.signature);
  }

  get size(): number {
    return this.entries.size;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const e of entries) {
      e.evicted = true;
      if (e.users === 0) await release(e);
    }
  }

  private async identify(path: string): Promise<{ key: string }> {
    const now = performance.now();
    const seen = this.checked.get(path);
    if (seen && now - seen.at < (this.opts.recheckMs ?? 1000) && this.entries.has(seen.key)) return seen;
    const file = await readOnnxFileHeader(path, this.opts);
    if (this.checked.size > 64) this.checked.clear(); // paths seen once should not pile up
    this.checked.set(path, { key: file.key, at: now });
    return file;
  }

  private evictOverflow(): void {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.maxSessions) break;
      this.entries.delete(key);
      e.evicted = true;
      if (e.users === 0) void release(e);
    }
  }

  private async load(path: string, key: string): Promise<LoadedModel> {
    const file = await readOnnxFile(path, this.opts);
    // Our own parse first: a damaged file gets a sentence naming it, not a protobuf stack.
    const signature = signatureOf(parseOnnx(file.bytes, file.path), file.path, file.bytes.byteLength);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file.bytes, { ...DEFAULT_SESSION_OPTIONS, ...this.opts.sessionOptions });
    } catch (e) {
      throw new InferenceError('unsupported', `${file.path}: onnxruntime cannot load this model: ${ortMessage(e)}`);
    }
    return { key, path: file.path, signature, session };
  }
}

async function release(e: Entry): Promise<void> {
  try {
    const m = await e.loading;
    await m.session.release();
  } catch {
    // A load that failed has nothing to release.
  }
}

/** The cache key without reading the file: real path, size and modification time. */
async function readOnnxFileHeader(path: string, opts: ReadOnnxOptions): Promise<{ key: string }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InferenceError('not-found', `${path}: no such file`);
  }
  const st = await stat(real);
  if (!st.isFile()) throw new InferenceError('bad-model', `${real} is not a file`);
  // Checked here too so that an oversized file is refused before anything else happens.
  if (opts.maxBytes !== undefined && st.size > opts.maxBytes) {
    await readOnnxFile(real, opts); // throws the size message
  }
  return { key: `${real}\u0000${st.size}\u0000${st.mtimeMs}` };
}

/** Runs a session, turning ort's failures into a message naming the model file. */
export async function runSession(
  model: LoadedModel,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await model.session.run(feeds);
  } catch (e) {
    throw new InferenceError('run-failed', `${model.path}: onnxruntime failed to run the model: ${ortMessage(e)}`);
  }
}
