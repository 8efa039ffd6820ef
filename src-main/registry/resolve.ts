import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LineageStore } from '../lineage/lineage-store.js';
import { MODEL_STAGES } from '../lineage/model-registry.js';
import type { ModelStage, ModelVersionInfo } from '../lineage/types.js';

/**
 * A model reference, as `plumb predict` and the playground take it, resolved to an ONNX file:
 *
 *   churn              the production version of "churn"
 *   churn:3            version 3
 *   churn@staging      the newest version in staging (any stage; `@latest` is the newest version)
 *   ./model.onnx       an ONNX file, outside the registry (anything ending in .onnx, or an existing file)
 */
export interface ResolvedModel {
  readonly onnxPath: string;
  /** null for a file given by path. */
  readonly name: string | null;
  readonly version: number | null;
  readonly stage: ModelStage | null;
  /** The registered version, when the reference named one. */
  readonly info: ModelVersionInfo | null;
}

/** A reference that names nothing usable; the message says what there is instead. */
export class ModelRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelRefError';
  }
}

const REF = /^(?<name>[A-Za-z0-9._-]+)(?::(?<version>\d+)|@(?<stage>[a-z]+))?$/;

export function parseModelRef(ref: string): { name: string; version?: number; stage?: ModelStage | 'latest' } | { path: string } {
  const text = ref.trim();
  if (text === '') throw new ModelRefError('the model reference is empty: give a registry name (churn, churn:3, churn@staging) or an .onnx file');
  if (/\.onnx$/i.test(text) || /[\\/]/.test(text)) return { path: text };
  const m = REF.exec(text);
  if (!m?.groups) {
    if (existsSync(text)) return { path: text };
    throw new ModelRefError(`"${ref}" is not a model reference: use NAME, NAME:VERSION, NAME@STAGE or a path to an .onnx file`);
  }
  const { name, version, stage } = m.groups;
  if (stage !== undefined && stage !== 'latest' && !MODEL_STAGES.includes(stage as ModelStage)) {
    throw new ModelRefError(`"${ref}": unknown stage "${stage}" (stages: ${MODEL_STAGES.join(', ')}, or latest)`);
  }
  // A name that is also a file in the working folder is the registry name: registered models win.
  return { name, ...(version !== undefined ? { version: Number(version) } : {}), ...(stage !== undefined ? { stage: stage as ModelStage | 'latest' } : {}) };
}

/**
 * `lineage` may be null when there is no state folder: then only a file reference resolves, and
 * a registry name is refused with the reason.
 */
export function resolveModelRef(lineage: LineageStore | null, ref: string): ResolvedModel {
  const parsed = parseModelRef(ref);
  if ('path' in parsed) {
    const path = resolve(parsed.path);
    if (!existsSync(path)) throw new ModelRefError(`${path}: no such file`);
    if (!statSync(path).isFile()) throw new ModelRefError(`${path} is not a file`);
    return { onnxPath: path, name: null, version: null, stage: null, info: null };
  }
  if (!lineage) throw new ModelRefError(`"${ref}" names a registered model, but there is no model registry here (no lineage store; --home or PLUMB_HOME names another)`);
  const model = lineage.getModel(parsed.name);
  if (!model) {
    const known = lineage.listModels().map((m) => m.name);
    throw new ModelRefError(`no model "${parsed.name}" in the registry (${known.length ? `models: ${known.join(', ')}` : 'it is empty: deploy one with a deploy.onnx node'})`);
  }
  const listing = model.versions.map((v) => `${v.version} ${v.stage}`).join(', ');
  let chosen: ModelVersionInfo | undefined;
  if (parsed.version !== undefined) {
    chosen = model.versions.find((v) => v.version === parsed.version);
    if (!chosen) throw new ModelRefError(`model "${model.name}" has no version ${parsed.version} (versions: ${listing || 'none'})`);
  } else if (parsed.stage === 'latest') {
    chosen = model.versions.at(-1);
    if (!chosen) throw new ModelRefError(`model "${model.name}" has no versions`);
  } else {
    const stage = parsed.stage ?? 'production';
    chosen = model.versions.filter((v) => v.stage === stage).at(-1);
    if (!chosen) {
      throw new ModelRefError(
        `model "${model.name}" has no ${stage} version (versions: ${listing || 'none'}); name one as ${model.name}:VERSION` +
          (stage === 'production' ? ` or promote one with "plumb stage ${model.name} VERSION production --comment WHY"` : ''),
      );
    }
  }
  if (!chosen.onnxHash) throw new ModelRefError(`version ${chosen.version} of "${model.name}" has no ONNX export (it was registered without one)`);
  const artifact = lineage.getArtifact(chosen.onnxHash);
  if (!artifact || !existsSync(artifact.path)) {
    throw new ModelRefError(`the ONNX file of "${model.name}" version ${chosen.version} is missing from the state folder${artifact ? ` (${artifact.path})` : ''}`);
  }
  return { onnxPath: artifact.path, name: model.name, version: chosen.version, stage: chosen.stage, info: chosen };
}
