import { execFile, type ExecFileException } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { diffPipelines } from '../../src-shared/pipeline/diff.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { BundleError } from '../bundle/bundle-error.js';
import { loadBundleDocument } from '../bundle/open-bundle.js';
import { ApiCallError } from './api-service.js';

export interface DiffDeps {
  /** The reader document.open uses (size limit, not-found and not-a-file refusals). */
  readonly readPipelineFile: (path: string) => Promise<string>;
  /** The git program; tests name one that does not exist to check the "git missing" message. */
  readonly git?: string;
}

/** One side of a diff: a pipeline file, a review bundle, the unsaved canvas, or a file's last commit. */
export type DiffSource = ApiRequest<'pipeline.diff'>['a'] | ApiRequest<'pipeline.diff'>['b'];
export interface LoadedSide {
  readonly label: string;
  readonly document: PipelineDocument;
}

/** Pipeline diffs between files, bundles, the unsaved canvas and a file's git HEAD. */
export function diffHandlers(deps: DiffDeps): { 'pipeline.diff': (req: ApiRequest<'pipeline.diff'>) => Promise<ApiResponse<'pipeline.diff'>> } {
  return {
    'pipeline.diff': async ({ a, b }) => {
      const [before, after] = await Promise.all([loadDiffSide(a, deps), loadDiffSide(b, deps)]);
      return { a: before, b: after, diff: diffPipelines(before.document, after.document) };
    },
  };
}

export async function loadDiffSide(source: DiffSource, deps: DiffDeps): Promise<LoadedSide> {
  if ('document' in source) return { label: 'unsaved canvas', document: source.document };
  const abs = resolve(source.path);
  if ('git' in source) return { label: `HEAD:${basename(abs)}`, document: await readFromHead(abs, deps.git ?? 'git') };
  if (abs.toLowerCase().endsWith('.plumbz')) {
    try {
      const { document } = await loadBundleDocument(abs);
      return { label: basename(abs), document };
    } catch (e) {
      if (e instanceof BundleError) throw new ApiCallError(e.code, e.message);
      throw e;
    }
  }
  return { label: basename(abs), document: parseOrRefuse(await deps.readPipelineFile(abs), abs) };
}

function parseOrRefuse(text: string, where: string): PipelineDocument {
  const loaded = parsePipelineText(text);
  if (!loaded.ok) throw new ApiCallError('bad-document', `${where} ${loaded.reason}`, loaded.details);
  return loaded.document;
}

/** Git's output is a pipeline file at most; the same ceiling as reading one from disk. */
const MAX_GIT_OUTPUT = 20 * 1024 * 1024;
const GIT_TIMEOUT_MS = 15_000;

/** The committed version of `abs`: `git show HEAD:./name` run in the file's folder, never through a shell. */
async function readFromHead(abs: string, git: string): Promise<PipelineDocument> {
  const name = basename(abs);
  if (!name.toLowerCase().endsWith('.plumb')) {
    throw new ApiCallError('bad-path', `${abs}: only a .plumb file can be compared with its last commit`);
  }
  const text = await new Promise<string>((done, fail) => {
    execFile(
      git,
      ['-C', dirname(abs), 'show', `HEAD:./${name}`],
      // English messages whatever the user's locale, so the refusals below can be recognised.
      { encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT, timeout: GIT_TIMEOUT_MS, windowsHide: true, env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' } },
      (err, stdout, stderr) => (err ? fail(gitRefusal(err, stderr, abs, git)) : done(stdout)),
    );
  });
  return parseOrRefuse(text, `HEAD:${name} (${abs} as last committed)`);
}

function gitRefusal(err: ExecFileException, stderr: string, abs: string, git: string): ApiCallError {
  const name = basename(abs);
  if (err.code === 'ENOENT' && err.syscall?.startsWith('spawn')) {
    return new ApiCallError('unavailable', `git is not installed (no "${git}" program found), so ${name} cannot be compared with its last commit`);
  }
  if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new ApiCallError('bad-document', `HEAD:${name} is larger than ${MAX_GIT_OUTPUT} bytes; a pipeline file is at most that`);
  }
  if (err.killed) return new ApiCallError('unavailable', `git did not answer within ${GIT_TIMEOUT_MS / 1000} s while reading HEAD:${name}`);
  const said = stderr.trim();
  if (/not a git repository/i.test(said)) {
    return new ApiCallError('not-found', `${abs} is not in a git repository, so there is no last commit to compare with`);
  }
  if (/cannot change to|no such file or directory/i.test(said) && !/HEAD:/.test(said)) {
    return new ApiCallError('not-found', `${dirname(abs)}: no such folder`);
  }
  if (/exists on disk, but not in|does not exist in|path '.*' does not exist/i.test(said)) {
    return new ApiCallError('not-found', `${name} is a new file: it is not in the last commit (HEAD) yet, so there is nothing to compare with`);
  }
  if (/invalid object name 'HEAD'|bad revision 'HEAD'|unknown revision/i.test(said)) {
    return new ApiCallError('not-found', `the git repository of ${abs} has no commits yet, so there is nothing to compare with`);
  }
  const firstLine = said.split('\n').find((l) => l.trim() !== '') ?? err.message.split('\n')[0];
  return new ApiCallError('git-failed', `git could not read HEAD:${name}: ${firstLine.replace(/^fatal:\s*/, '')}`);
}
