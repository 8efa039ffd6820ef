import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The prediction log of a serving endpoint: `<home>/serving/<name>/predictions-NNNNNN.jsonl`,
 * one JSON object per predicted row (NDJSON, which the ingest.json node reads), size-capped:
 * segments of at most a quarter of the cap, the oldest deleted when the total passes the cap.
 * Feedback (labels that arrive later) goes to `feedback-NNNNNN.jsonl` the same way; `liveAccuracy`
 * joins the two by (request id, row).
 *
 * A record is flat so a drift report can compare it with the training table column by column:
 * the model's input columns as sent (numbers as numbers), then `request_id`, `row`, `at`,
 * `version`, `role` (primary, candidate, shadow), `latency_ms`, and the prediction
 * (`predicted` + `p_<class>` per class, or `predicted` as a number). An input column named like
 * a meta field is logged as `input_<name>` (`loggedInputName`).
 *
 * Records are queued and written by one synchronous append per turn of the event loop
 * (setImmediate), so 32 concurrent requests cost one system call, not 32; `flush()` writes the
 * queue now (reads of the log and stop() call it).
 */

export const DEFAULT_LOG_MAX_BYTES = 64 * 2 ** 20;

export class RotatingLog {
  private segment = 0;
  private segmentBytes = 0;
  private readonly segmentCap: number;
  private readonly sizes = new Map<number, number>();

  /** `onError`: a failed write (disk full, folder removed); the records of that write are lost, serving goes on. */
  constructor(
    readonly dir: string,
    readonly prefix: string,
    readonly maxBytes: number,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    if (!(maxBytes > 0)) throw new Error(`${prefix} log: the size cap must be positive, not ${maxBytes}`);
    this.segmentCap = Math.max(1024, Math.floor(maxBytes / 4));
    mkdirSync(dir, { recursive: true });
    for (const f of logFiles(dir, prefix)) this.sizes.set(f.seq, f.bytes);
    const last = [...this.sizes.keys()].at(-1);
    // A restart continues in a fresh segment: the previous process may have died mid-line.
    this.segment = (last ?? 0) + 1;
  }

  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  /** Queues records, one line each, for the next flush. */
  append(records: readonly object[]): void {
    if (records.length === 0) return;
    for (const r of records) this.pending.push(JSON.stringify(r));
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes the queued records; rotates and drops old segments to stay under the cap. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    try {
      this.write(text);
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.segmentBytes > 0 && this.segmentBytes + bytes > this.segmentCap) {
      this.segment++;
      this.segmentBytes = 0;
    }
    appendFileSync(this.path(this.segment), text);
    this.segmentBytes += bytes;
    this.sizes.set(this.segment, this.segmentBytes);
    let total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    for (const [seq, size] of this.sizes) {
      if (total <= this.maxBytes || seq === this.segment) break;
      try {
        unlinkSync(this.path(seq));
      } catch {
        // Someone removed it already: the cap is met either way.
      }
      this.sizes.delete(seq);
      total -= size;
    }
  }

  /** The segment files, oldest first (queued records written first). */
  files(): string[] {
    this.flush();
    return logFiles(this.dir, this.prefix).map((f) => f.path);
  }

  private path(seq: number): string {
    return join(this.dir, `${this.prefix}-${String(seq).padStart(6, '0')}.jsonl`);
  }
}

function logFiles(dir: string, prefix: string): { seq: number; path: string; bytes: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = new RegExp(`^${prefix}-(\\d{6,})\\.jsonl$`);
  return names
    .flatMap((n) => {
      const m = re.exec(n);
      if (!m) return [];
      const path = join(dir, n);
      return [{ seq: Number(m[1]), path, bytes: statSync(path).size }];
    })
    .sort((a, b) => a.seq - b.seq);
}

/** The meta fields of a logged row; an input column named like one (or like `p_<class>`) is logged as `input_<name>`. */
export const LOG_META_COLUMNS: readonly string[] = ['request_id', 'row', 'at', 'version', 'role', 'latency_ms', 'predicted', 'refused'];

/** The name an input column has in the prediction log. */
export function loggedInputName(column: string): string {
  return LOG_META_COLUMNS.includes(column) || column.startsWith('p_') ? `input_${column}` : column;
}

/** Where an endpoint's logs live. */
export const servingDir = (home: string, name: string): string => join(home, 'serving', name);

export interface LoggedPrediction {
  readonly request_id: string;
  readonly row: number;
  readonly version: number;
  readonly role: string;
  readonly predicted: string | number | null;
}

export interface Feedback {
  readonly id: string;
  readonly row: number;
  readonly label: string | number | boolean;
}

export interface VersionAccuracy {
  readonly version: number;
  /** Logged rows (served, not shadow) with a label. */
  readonly labelled: number;
  readonly correct: number;
  /** Share of labelled rows predicted right (classification); null when no labels or a regression. */
  readonly accuracy: number | null;
  /** Mean absolute error (regression); null for classification. */
  readonly mae: number | null;
  /** Shadow rows with a label, and their accuracy: what the shadow would have scored. */
  readonly shadowLabelled: number;
  readonly shadowAccuracy: number | null;
}

/**
 * Live accuracy per version: each feedback label joined to the rows logged under its request
 * id and row (the last feedback for a row wins). Classification compares labels as strings
 * ("true" = true); a regression gives the mean absolute error.
 */
export function liveAccuracy(predictions: readonly LoggedPrediction[], feedback: readonly Feedback[]): VersionAccuracy[] {
  const labels = new Map<string, Feedback['label']>();
  for (const f of feedback) labels.set(`${f.id}\u0000${f.row}`, f.label);
  const acc = new Map<number, { labelled: number; correct: number; absErr: number; numeric: number; shadowLabelled: number; shadowCorrect: number }>();
  for (const p of predictions) {
    const label = labels.get(`${p.request_id}\u0000${p.row}`);
    if (label === undefined || p.predicted === null) continue;
    let a = acc.get(p.version);
    if (!a) acc.set(p.version, (a = { labelled: 0, correct: 0, absErr: 0, numeric: 0, shadowLabelled: 0, shadowCorrect: 0 }));
    const right = String(p.predicted) === String(label);
    if (p.role === 'shadow') {
      a.shadowLabelled++;
      if (right) a.shadowCorrect++;
      continue;
    }
    a.labelled++;
    if (right) a.correct++;
    if (typeof p.predicted === 'number' && typeof label === 'number') {
      a.absErr += Math.abs(p.predicted - label);
      a.numeric++;
    }
  }
  return [...acc.entries()]
    .sort(([x], [y]) => x - y)
    .map(([version, a]) => {
      const regression = a.numeric > 0 && a.numeric === a.labelled;
      return {
        version,
        labelled: a.labelled,
        correct: a.correct,
        accuracy: regression || a.labelled === 0 ? null : a.correct / a.labelled,
        mae: regression ? a.absErr / a.numeric : null,
        shadowLabelled: a.shadowLabelled,
        shadowAccuracy: a.shadowLabelled === 0 ? null : a.shadowCorrect / a.shadowLabelled,
      };
    });
}

/** Reads every line of the given JSONL files; a torn last line (a crash mid-write) is skipped. */
export function readJsonl<T>(files: readonly string[]): T[] {
  const out: T[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        // A partial line can only be the last one a dead process wrote; the rest still counts.
      }
    }
  }
  return out;
}

/** Live accuracy of an endpoint's logs in `dir` (see servingDir). */
export function liveAccuracyOf(dir: string): VersionAccuracy[] {
  return liveAccuracy(readJsonl<LoggedPrediction>(logFiles(dir, 'predictions').map((f) => f.path)), readJsonl<Feedback>(logFiles(dir, 'feedback').map((f) => f.path)));
}
