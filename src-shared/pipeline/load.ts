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
  // Editors on Windows may start the file with a byte order mark; JSON.parse refuses it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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

/**
 * Where and why JSON.parse failed, as "line L, column C: what". V8's own messages carry a
 * position only sometimes ("Unexpected token 'x', ..." has none and quotes the text over several
 * lines), so the first error is located by a small scanner of the JSON grammar instead. An error
 * at the very end of the text means the file stops early: it is reported as truncated.
 */
function jsonErrorWhere(text: string, err: unknown): string {
  if (text.trim() === '') return 'the file is empty';
  const found = findJsonError(text);
  if (!found) {
    // The scanner accepts what JSON.parse refused: fall back to V8's first line.
    const message = err instanceof Error ? err.message : String(err);
    return message.split('\n')[0];
  }
  const { line, column } = lineColumn(text, found.offset);
  if (found.offset >= text.length) {
    return `unexpected end of file at line ${line}, column ${column} - the file looks truncated`;
  }
  return `line ${line}, column ${column}: ${found.message}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** The offset and a description of the first JSON syntax error in `text`, or null if none. */
function findJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const n = text.length;
  const describe = (at: number): string => (at >= n ? 'end of file' : JSON.stringify(text[at]));
  const fail = (expected: string): never => {
    throw new JsonSyntaxError(i, `expected ${expected}, found ${describe(i)}`);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const digits = (): void => {
    if (i >= n || text[i] < '0' || text[i] > '9') fail('a digit');
    while (i < n && text[i] >= '0' && text[i] <= '9') i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('a closing "');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('a closing " before the end of the line');
      if (c === 0x5c) {
        i++;
        if (i >= n) fail('an escape');
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail('a hex digit');
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i])) {
          i++;
        } else {
          fail('a valid escape');
        }
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    ws();
    if (i >= n) fail('a value');
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a double-quoted property name');
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (text[i] === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
      // A literal cut short by the end of the file.
      if (n < i + word.length && word.startsWith(text.slice(i))) {
        i = n;
        fail(`"${word}"`);
      }
    }
    throw new JsonSyntaxError(i, `unexpected ${describe(i)}`);
  };
  try {
    value();
    ws();
    if (i < n) throw new JsonSyntaxError(i, `unexpected ${describe(i)} after the end of the document`);
    return null;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { offset: e.offset, message: e.message };
    throw e;
  }
}
