import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';

/** A node param naming a local file the bundle does not carry. */
export interface FileReference {
  readonly nodeId: string;
  readonly param: string;
  readonly path: string;
  /** Absolute, or climbing out of the folder the pipeline sits in. */
  readonly outside: boolean;
}

/** Param names read as file paths on node types this build does not know. */
const PATH_LIKE_NAMES = new Set(['path', 'file', 'filename', 'database']);

/**
 * The local files a pipeline reads: `path` params of the catalogue's specs (ingest nodes), and
 * params named like one on node types the catalogue does not know. Nothing is read or resolved
 * against the disk: this only looks at the text.
 */
export function fileReferences(document: PipelineDocument, catalogue: Catalogue): FileReference[] {
  const refs: FileReference[] = [];
  for (const node of document.nodes) {
    const spec = catalogue.get(node.type, node.typeVersion) ?? catalogue.latest(node.type);
    const names = spec ? spec.params.filter((p) => p.kind === 'path').map((p) => p.name) : Object.keys(node.params).filter((k) => PATH_LIKE_NAMES.has(k));
    for (const param of names) {
      const value = node.params[param];
      if (typeof value === 'string' && value.trim() !== '') refs.push({ nodeId: node.id, param, path: value, outside: isOutside(value) });
    }
  }
  return refs;
}

/** Absolute (POSIX, Windows drive or UNC) or escaping its folder through "..". */
export function isOutside(path: string): boolean {
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path) || path.startsWith('~')) return true;
  let depth = 0;
  for (const segment of path.split(/[\\/]+/)) {
    if (segment === '..') depth--;
    else if (segment !== '.' && segment !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** What the reviewer should know before trusting what they see; nothing here is an error. */
export function reviewWarnings(document: PipelineDocument, catalogue: Catalogue, refs: readonly FileReference[]): string[] {
  const warnings: string[] = [];
  for (const node of document.nodes) {
    const latest = catalogue.latest(node.type);
    if (!latest) warnings.push(`node "${node.id}" has type "${node.type}", which this Plumb does not know`);
    else if (node.typeVersion > latest.version) {
      warnings.push(`node "${node.id}" uses ${node.type} version ${node.typeVersion}; this Plumb knows up to version ${latest.version}`);
    }
  }
  for (const r of refs) {
    warnings.push(`node "${r.nodeId}" reads ${r.path}${r.outside ? ' (outside the bundle)' : ''}: not in the bundle, nothing is read in review`);
  }
  return warnings;
}
