import { PIPELINE_FORMAT, PIPELINE_VERSION, PipelineDocument } from './document.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type LoadResult =
  | { readonly ok: true; readonly document: PipelineDocument; readonly migratedFrom?: number }
  | { readonly ok: false; readonly reason: string; readonly details: readonly string[] };

export interface LoadOptions {
  /** Overrides the shipped migrations and current version: used by tests of the hook. */
  readonly migrations?: Readonly<Record<number, Migration>>;
  readonly currentVersion?: number;
}

/**
 * Parses the text of a `.plumb` file without trusting it. Structural damage (not JSON, not a
 * pipeline, a newer format, fields of the wrong shape) refuses the file with one-line reason;
 * graph-level problems are left to `checkGraph` so such a file still opens for repair.
 */
export function parsePipelineText(text: string, options: LoadOptions = {}): LoadResult {
  const current = options.currentVersion ?? PIPELINE_VERSION;
  const migrations = options.migrations ?? MIGRATIONS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${jsonErrorWhere(text, err)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('not a Plumb pipeline (the file is not a JSON object)');
  }
  let obj = raw as Record<string, unknown>;
  if (obj.format !== PIPELINE_FORMAT) {
    return fail(`not a Plumb pipeline (format is ${JSON.stringify(obj.format ?? null)}, expected "${PIPELINE_FORMAT}")`);
  }
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail(`has an invalid format version ${JSON.stringify(version ?? null)}`);
  }
  if (version > current) {
    return fail(
      `was saved by a newer Plumb (format version ${version}; this version reads up to ${current}). Update Plumb to open it.`,
    );
  }
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) return fail(`cannot be upgraded from format version ${v} (no migration to ${v + 1})`);
    obj = step(obj);
  }
  const parsed = PipelineDocument.safeParse(current === PIPELINE_VERSION ? obj : { ...obj, version: PIPELINE_VERSION });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${describePath(obj, i.path)}: ${i.message}`);
    return { ok: false, reason: `is not a valid pipeline: ${details[0]}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`, details };
  }
  return version < current ? { ok: true, document: parsed.data, migratedFrom: version } : { ok: true, document: parsed.data };
}

function fail(reason: string): LoadResult {
  return { ok: false, reason, details: [reason] };
}

/** `nodes[2].position.x` with the node's id when it has one: `nodes[2] (id "x").position.x`. */
function describePath(doc: Record<string, unknown>, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  let out = '';
  let cur: unknown = doc;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && cur && typeof cur === 'object' && typeof (cur as { id?: unknown }).id === 'string') {
      out += ` (id "${(cur as { id: string }).id}")`;
    }
  }
  return out;
}

/** Turns V8's JSON error into "line L, column C: message" when it gives a position. */
function jsonErrorWhere(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(message);
  if (text.trim() === '') return 'the file is empty';
  if (!m) {
    if (/end of JSON input/i.test(message)) {
      const lines = text.split('\n');
      return `unexpected end of file at line ${lines.length} - the file looks truncated`;
    }
    return message;
  }
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
}
