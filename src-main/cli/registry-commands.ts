import type { LineageStore } from '../lineage/lineage-store.js';
import { MODEL_STAGES, RegistryError } from '../lineage/model-registry.js';
import type { ServingEvent } from '../lineage/serving-events.js';
import type { ModelDetail, ModelInfo, ModelStage, ModelVersionInfo, StageChange } from '../lineage/types.js';
import { CliInputError } from './query-commands.js';

/**
 * The registry's commands: `plumb models [NAME]` and `plumb stage NAME VERSION STAGE --comment WHY`
 * (`plumb predict` is in predict-command.ts). Bad input (an unknown model or version, a missing
 * comment) is a CliInputError: exit 2 with its one-line reason.
 */

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const metricsText = (m: Readonly<Record<string, number>>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(' ') || '-';

export function modelsCommand(lineage: LineageStore, name: string | undefined, json: boolean): void {
  if (name === undefined) {
    printModelList(lineage.listModels(), json);
    return;
  }
  const model = lineage.getModel(name);
  if (!model) {
    const known = lineage.listModels().map((m) => m.name);
    throw new CliInputError(`no model "${name}" in the registry${known.length ? ` (models: ${known.join(', ')})` : ''}`);
  }
  printModel(model, json, lineage.servingEvents(model.name, 20));
}

function printModelList(models: readonly ModelInfo[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(models) + '\n');
    return;
  }
  if (models.length === 0) process.stdout.write('no models registered (a deploy.onnx node registers one)\n');
  for (const m of models) {
    const production = m.versions.find((v) => v.stage === 'production');
    process.stdout.write(`${m.name}  ${m.versions.length} version${m.versions.length === 1 ? '' : 's'}${production ? `, production: ${production.version}` : ''}\n`);
    for (const v of m.versions) process.stdout.write(versionLine(v));
  }
}

function versionLine(v: ModelVersionInfo): string {
  const from = v.runId ? `  run ${v.runId}${v.nodeId ? ` node ${v.nodeId}` : ''}` : '';
  return `  ${String(v.version).padStart(3)}  ${v.stage.padEnd(10)} ${time(v.createdAt)}  ${metricsText(v.metrics)}${from}\n`;
}

function printModel(m: ModelDetail, json: boolean, serving: readonly ServingEvent[]): void {
  if (json) {
    process.stdout.write(JSON.stringify({ ...m, servingEvents: serving }) + '\n');
    return;
  }
  process.stdout.write(`${m.name}: ${m.versions.length} version${m.versions.length === 1 ? '' : 's'}\n`);
  for (const v of m.versions) {
    process.stdout.write(versionLine(v));
    process.stdout.write(`       model ${v.artifactHash.slice(0, 12)}  onnx ${v.onnxHash ? v.onnxHash.slice(0, 12) : '-'}  trained on ${v.trainingDataHash ? v.trainingDataHash.slice(0, 12) : '-'}\n`);
    if (v.inputSchema) process.stdout.write(`       inputs: ${v.inputSchema.map((c) => `${c.name} ${c.type}`).join(', ')}\n`);
  }
  process.stdout.write('audit trail:\n');
  for (const e of m.events) {
    const change = e.from === null ? `registered in ${e.to}` : `${e.from} -> ${e.to}`;
    process.stdout.write(`  ${time(e.at)}  version ${e.version}  ${change}  by ${e.actor ?? '(unknown)'}: ${e.comment ?? '(no comment)'}\n`);
  }
  // Routing changes of `plumb serve-model` endpoints (newest first), automatic rollbacks included.
  if (serving.length === 0) return;
  process.stdout.write('serving events:\n');
  for (const e of serving) {
    const versions = `${e.fromVersion ?? '-'} -> ${e.toVersion ?? '-'}`;
    const percent = e.percent !== null && e.kind !== 'rollback' && e.kind !== 'auto-rollback' ? ` (${e.percent}%)` : '';
    process.stdout.write(`  ${time(e.at)}  ${e.kind} ${versions}${percent}  by ${e.actor ?? 'the endpoint'}${e.reason ? `: ${e.reason}` : ''}\n`);
  }
}

export function stageCommand(lineage: LineageStore, args: { name?: string; version?: string; stage?: string; comment?: string; json: boolean }): void {
  const { name, version, stage } = args;
  if (!name || !version || !stage) throw new CliInputError('usage: plumb stage NAME VERSION STAGE --comment TEXT');
  const n = Number(version);
  if (!Number.isInteger(n) || n < 1) throw new CliInputError(`VERSION: "${version}" is not a version number`);
  if (!MODEL_STAGES.includes(stage as ModelStage)) throw new CliInputError(`STAGE: "${stage}" is not one of ${MODEL_STAGES.join(', ')}`);
  if (args.comment === undefined || args.comment.trim() === '') throw new CliInputError('--comment: say why the stage changes (it is kept in the audit trail)');
  let change: StageChange;
  try {
    change = lineage.setStage(name, n, stage as ModelStage, args.comment);
  } catch (e) {
    if (e instanceof RegistryError) throw new CliInputError(e.message);
    throw e;
  }
  if (args.json) {
    process.stdout.write(JSON.stringify(change) + '\n');
    return;
  }
  if (!change.changed) {
    process.stdout.write(`${name} version ${n} is already in ${stage}; nothing changed\n`);
    return;
  }
  process.stdout.write(`${name} version ${n}: ${change.from} -> ${change.to}\n`);
  for (const v of change.archived) process.stdout.write(`${name} version ${v}: production -> archived\n`);
}
