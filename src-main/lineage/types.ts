import type { NodeStatus, RunStatus } from '../../src-shared/api/contract.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';

/**
 * The lineage store's records, as the engine writes them and the CLI / API read them back.
 * Times are epoch milliseconds. Artifacts are content-addressed: `hash` is the sha256 of the file.
 */

export type ArtifactKind = 'table' | 'model' | 'report' | 'file';

/**
 * What an artifact says about itself beyond its content: for a table made by fitted feature
 * steps, the preprocessing chain (each step's fitted state) that training must replay at
 * serving time. Part of the artifact's identity: its hash covers content and meta.
 */
export type ArtifactMeta = Readonly<Record<string, unknown>>;

export interface ArtifactRecord {
  readonly hash: string;
  /** `file` is a source file a node read (a CSV); its path is the user's file, not ours. */
  readonly kind: ArtifactKind;
  readonly path: string;
  readonly bytes: number;
  readonly rows?: number;
  readonly columns?: readonly ColumnSchema[];
  readonly meta?: ArtifactMeta;
}

export interface EnvironmentInfo {
  readonly os: string;
  readonly arch: string;
  readonly cpus: number;
  readonly node: string;
  readonly duckdb: string;
  readonly onnxruntime: string;
  readonly app: string;
}

export type RunMode = 'all' | 'until' | 'node';

export interface RunStart {
  readonly runId: string;
  readonly pipelineId: string;
  readonly pipelineName: string;
  /** sha256 of the canonical document text. */
  readonly documentHash: string;
  readonly documentText: string;
  /** Where the document was loaded from, if anywhere. */
  readonly documentPath: string | null;
  readonly mode: RunMode;
  readonly target: string | null;
  readonly force: boolean;
  readonly startedAt: number;
  readonly env: EnvironmentInfo;
  /** node id -> type and version, so a run can be told apart after the catalogue changes. */
  readonly nodeTypes: Readonly<Record<string, { readonly type: string; readonly version: number }>>;
  /** The process that runs it: a run whose process is gone is interrupted. */
  readonly pid: number;
}

export interface NodeRunStart {
  readonly runId: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly typeVersion: number;
  /** Params with defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly cacheKey: string;
  /** The parts the key was hashed from, to explain later what changed. */
  readonly keyParts: CacheKeyParts;
  readonly startedAt: number;
}

export interface CacheKeyParts {
  readonly type: string;
  readonly typeVersion: number;
  /** sha256 of the canonical params JSON, and the params themselves for a readable diff. */
  readonly params: Readonly<Record<string, unknown>>;
  /** input port -> the upstream node's cache key and port (Merkle style: known before running). */
  readonly inputs: Readonly<Record<string, string>>;
  /** path param name -> content hash of the file it names (source nodes). */
  readonly files: Readonly<Record<string, string>>;
}

export interface NodeRunFinish {
  readonly status: Extract<NodeStatus, 'succeeded' | 'cached' | 'failed' | 'cancelled' | 'skipped'>;
  readonly endedAt: number;
  readonly ms: number;
  readonly cacheHit: boolean;
  readonly error?: { readonly message: string; readonly stack?: string };
  /** input port (or path param name, for source files) -> artifact hash. Artifacts must exist. */
  readonly inputs: Readonly<Record<string, string>>;
  /** output port -> artifact hash. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface LogLine {
  readonly time: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  /** Absent for a scalar; the step (epoch, iteration, threshold index) for a series. */
  readonly step?: number;
}

export interface RunSummary {
  readonly runId: string;
  readonly pipelineId: string;
  readonly pipelineName: string;
  readonly documentHash: string;
  readonly status: RunStatus;
  readonly mode: RunMode;
  readonly target: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly ms: number | null;
  readonly nodes: number;
  readonly cached: number;
  readonly failed: number;
  readonly error: string | null;
}

export interface NodeRunDetail {
  readonly nodeRunId: number;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly typeVersion: number;
  readonly status: NodeStatus;
  readonly cacheHit: boolean;
  readonly cacheKey: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly ms: number | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly error: { readonly message: string; readonly stack: string | null } | null;
  readonly inputs: readonly (ArtifactRecord & { readonly port: string })[];
  readonly outputs: readonly (ArtifactRecord & { readonly port: string })[];
  readonly metrics: readonly MetricPoint[];
  readonly logs: readonly LogLine[];
}

export interface RunDetail extends RunSummary {
  readonly documentPath: string | null;
  readonly force: boolean;
  readonly env: EnvironmentInfo;
  readonly nodeTypes: Readonly<Record<string, { readonly type: string; readonly version: number }>>;
  readonly nodeRuns: readonly NodeRunDetail[];
}

/** One step of a lineage walk: a node run, the artifacts it read and the ones it wrote. */
export interface LineageStep {
  readonly runId: string;
  readonly nodeRunId: number;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly inputs: readonly (ArtifactRecord & { readonly port: string })[];
  readonly outputs: readonly (ArtifactRecord & { readonly port: string })[];
}

export interface LineageGraph {
  /** What the subject was made from, nearest first; ends at source files. */
  readonly upstream: readonly LineageStep[];
  /** What was made from the subject, nearest first. */
  readonly downstream: readonly LineageStep[];
}

/** For the charts panel: one row per run of a pipeline, its params and scalar metrics by node. */
export interface ExperimentRow {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  /** `nodeId.param` -> value */
  readonly params: Readonly<Record<string, unknown>>;
  /** `nodeId.metric` -> value (scalars only) */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface StoredArtifactRow extends ArtifactRecord {
  readonly createdAt: number;
  readonly lastUsedAt: number;
  /** Registered model versions pin their artifacts: never evicted. */
  readonly pinned: boolean;
}

export type ModelStage = 'none' | 'staging' | 'production' | 'archived';

/** How a run ended, as the engine reports it to the lineage store. */
export interface RunFinish {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly endedAt: number;
  readonly error?: string;
}

/** The last node run of a node that left usable outputs: what "why did this run" compares to. */
export interface LastNodeRun {
  readonly cacheKey: string;
  readonly keyParts: CacheKeyParts;
  readonly runId: string;
}

/** A lineage walk, with what it started from and whether the walk hit its step cap. */
export interface LineageResult extends LineageGraph {
  readonly subject:
    | { readonly kind: 'run'; readonly runId: string }
    | { readonly kind: 'artifact'; readonly artifact: ArtifactRecord };
  /** True when the walk stopped at the step cap: the graph is incomplete. */
  readonly truncated: boolean;
}

/** What the registry keeps of one version of a named model. */
export interface ModelVersionInfo {
  readonly version: number;
  readonly stage: ModelStage;
  /** The Plumb model artifact (chain + estimator) the version was made from. */
  readonly artifactHash: string;
  /** Its ONNX export, what `plumb predict` serves; null for versions registered without one. */
  readonly onnxHash: string | null;
  readonly createdAt: number;
  /** The run and node run that registered it (null for versions registered outside a run). */
  readonly runId: string | null;
  readonly nodeRunId: number | null;
  readonly nodeId: string | null;
  /** The table the model was trained on, when the lineage store knows it. */
  readonly trainingDataHash: string | null;
  /** Scalar metrics of the version (finite values only), e.g. accuracy or rmse on its test rows. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The raw columns a caller must send, in the model's input order; null when unknown. */
  readonly inputSchema: readonly ColumnSchema[] | null;
}

export interface ModelInfo {
  readonly name: string;
  readonly createdAt: number;
  readonly versions: readonly ModelVersionInfo[];
}

/** One entry of a model's audit trail: a version entering a stage, by whom and why. */
export interface StageEvent {
  readonly version: number;
  /** null for the registration itself (and for the first event of stores older than the audit trail). */
  readonly from: ModelStage | null;
  readonly to: ModelStage;
  /** The OS user who made the change; null for events recorded before the audit trail existed. */
  readonly actor: string | null;
  readonly comment: string | null;
  readonly at: number;
}

export interface ModelDetail extends ModelInfo {
  /** Every stage change of every version, oldest first. */
  readonly events: readonly StageEvent[];
}

/** A request to register a model version (the engine fills in the run and node run). */
export interface ModelRegistration {
  readonly name: string;
  readonly artifactHash: string;
  readonly onnxHash?: string;
  readonly runId?: string;
  readonly nodeRunId?: number;
  readonly trainingDataHash?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly inputSchema?: readonly ColumnSchema[];
  /** The stage to put the version in; default none. Anything but none needs a comment. */
  readonly stage?: Exclude<ModelStage, 'archived'>;
  readonly comment?: string;
}

export interface RegistrationResult {
  readonly modelId: number;
  readonly version: number;
  /** The version's stage after the call. */
  readonly stage: ModelStage;
  /** False when the same artifacts were already registered under this name: that version is returned. */
  readonly created: boolean;
}

export interface StageChange {
  readonly name: string;
  readonly version: number;
  readonly from: ModelStage;
  readonly to: ModelStage;
  /** False when the version was already in that stage (nothing was recorded). */
  readonly changed: boolean;
  /** Versions moved to archived because this one became the production version. */
  readonly archived: readonly number[];
}
