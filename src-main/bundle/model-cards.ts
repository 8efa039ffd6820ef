import { readFile } from 'node:fs/promises';
import type { BundleModelCard } from '../../src-shared/bundle/bundle-format.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { ModelVersionInfo, RunDetail } from '../lineage/types.js';

export interface CardWithModel {
  readonly card: BundleModelCard;
  /** The card's entry: `models/<name>-v<N>.json`. */
  readonly entry: string;
  /** The ONNX bytes, when exported with models and the registry still has the file. */
  readonly onnx: Uint8Array | null;
}

/**
 * The registered models this run stands behind: per model name, the newest version registered
 * by this run or made of an artifact this run produced (a cached deploy node registers nothing
 * new, yet its version is this run's model). With `withModels`, the ONNX files too, read from
 * where the registry keeps them (the artifact store).
 */
export async function modelCards(lineage: LineageStore, run: RunDetail, withModels: boolean, warnings: string[]): Promise<CardWithModel[]> {
  const produced = new Set(run.nodeRuns.flatMap((n) => n.outputs.map((o) => o.hash)));
  const fromRun = (v: ModelVersionInfo): boolean =>
    v.runId === run.runId || produced.has(v.artifactHash) || (v.onnxHash !== null && produced.has(v.onnxHash));

  const out: CardWithModel[] = [];
  for (const model of lineage.listModels()) {
    const version = model.versions.filter(fromRun).at(-1);
    if (!version) continue;
    const base = `models/${model.name}-v${version.version}`;
    let onnx: Uint8Array | null = null;
    if (withModels) {
      const artifact = version.onnxHash ? lineage.getArtifact(version.onnxHash) : undefined;
      if (!version.onnxHash) warnings.push(`model ${model.name} v${version.version} has no ONNX export: its card is in the bundle, the model is not`);
      else if (!artifact) warnings.push(`model ${model.name} v${version.version}: the lineage store has no record of its ONNX file`);
      else onnx = await readFile(artifact.path).catch(() => null);
      if (version.onnxHash && artifact && !onnx) warnings.push(`model ${model.name} v${version.version}: ${artifact.path} is gone; the model is not in the bundle`);
    }
    const card: BundleModelCard = {
      name: model.name,
      version: version.version,
      stage: version.stage,
      nodeId: version.nodeId,
      runId: version.runId,
      createdAt: version.createdAt,
      metrics: { ...version.metrics },
      inputSchema: version.inputSchema ? version.inputSchema.map((c) => ({ ...c })) : null,
      artifactHash: version.artifactHash,
      onnxHash: version.onnxHash,
      trainingDataHash: version.trainingDataHash,
      onnxEntry: onnx ? `${base}.onnx` : null,
    };
    out.push({ card, entry: `${base}.json`, onnx });
  }
  return out;
}
