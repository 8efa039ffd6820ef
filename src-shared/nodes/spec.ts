import type { ZodType } from 'zod';

/**
 * Node specs: the declarative half of a node type. Pure data plus one pure function
 * (inferSchema), so the renderer can build forms and check wiring without any I/O.
 */

export const PORT_TYPES = ['table', 'model', 'report'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export interface PortSpec {
  readonly name: string;
  readonly type: PortType;
  readonly label?: string;
  readonly description?: string;
  /** An optional input may stay unconnected; outputs are always optional to consume. */
  readonly optional?: boolean;
}

interface ParamBase {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  /** A required param with no default must be set before the node can run. */
  readonly required?: boolean;
}

export type ParamSpec =
  | (ParamBase & {
      readonly kind: 'string';
      readonly default?: string;
      readonly placeholder?: string;
      /** Text in Plumb's expression language (src-shared/expr): the inspector checks it as it is typed. */
      readonly syntax?: 'expression';
    })
  | (ParamBase & { readonly kind: 'path'; readonly default?: string; readonly extensions?: readonly string[] })
  | (ParamBase & {
      readonly kind: 'number';
      readonly default?: number;
      readonly min?: number;
      readonly max?: number;
      readonly integer?: boolean;
    })
  | (ParamBase & { readonly kind: 'boolean'; readonly default: boolean })
  | (ParamBase & {
      readonly kind: 'enum';
      readonly default: string;
      readonly options: readonly { readonly value: string; readonly label: string }[];
    })
  | (ParamBase & { readonly kind: 'stringList'; readonly default?: readonly string[] })
  /** One column of the named input port's table (the inspector offers a picker). */
  | (ParamBase & { readonly kind: 'column'; readonly port: string; readonly default?: string })
  /** Several columns of the named input port's table; empty means "all". */
  | (ParamBase & { readonly kind: 'columns'; readonly port: string; readonly default?: readonly string[] })
  /**
   * Structured data (a list of checks, a grid): any JSON value, narrowed by the spec's own zod
   * schema when it gives one. Problems name the path inside the value (`checks[2].min`).
   * The schema is code, not data: `specInfo` leaves it out of what the API hands out.
   */
  | (ParamBase & { readonly kind: 'json'; readonly default?: unknown; readonly schema?: ZodType });

export type ParamKind = ParamSpec['kind'];

/** Column types as DuckDB names them, reduced to the families the app reasons about. */
export interface ColumnSchema {
  readonly name: string;
  /** The DuckDB type name, e.g. BIGINT, DOUBLE, VARCHAR, BOOLEAN, DATE. */
  readonly type: string;
}

export interface TableSchema {
  readonly kind: 'table';
  readonly columns: readonly ColumnSchema[];
}

export interface OpaqueSchema {
  readonly kind: 'model' | 'report';
}

export type PortSchema = TableSchema | OpaqueSchema;

/** What a node can know before running: undefined means "not known until it runs". */
export type SchemaMap = Readonly<Record<string, PortSchema | undefined>>;

export type ParamValues = Readonly<Record<string, unknown>>;

export const NODE_CATEGORIES = [
  'ingestion',
  'validation',
  'feature',
  'training',
  'evaluation',
  'deploy',
  'monitoring',
] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface NodeSpec {
  /** Stable identifier, e.g. `ingest.csv`. Never reused for another meaning. */
  readonly type: string;
  /** Bumped when behaviour changes; saved pipelines pin the version they were made with. */
  readonly version: number;
  readonly category: NodeCategory;
  readonly title: string;
  /** One sentence for the palette. */
  readonly summary: string;
  /** Markdown shown in the inspector's help. */
  readonly docs: string;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly params: readonly ParamSpec[];
  /**
   * The node learns from the rows of its input (a fitted step: means, categories, bin edges...).
   * Such a node upstream of a split sees the test rows too: the graph check warns of the leakage.
   */
  readonly fits?: boolean;
  /**
   * The node acts on the world outside the run (starts a prediction endpoint): it runs every time,
   * since a cached result would skip the action.
   */
  readonly effect?: boolean;
  /**
   * KNIME's configure step: output schemas from input schemas and params, without I/O.
   * Returns problems for bad references (a column that no longer exists) by name.
   */
  readonly inferSchema?: (inputs: SchemaMap, params: ParamValues) => InferResult;
}

export interface InferResult {
  readonly outputs: SchemaMap;
  /** Human-readable problems, each naming the param it concerns when there is one. */
  readonly problems?: readonly { readonly param?: string; readonly message: string }[];
}

/** The JSON-safe part of a spec: what `plumb nodes --json` and the API hand out. */
export type NodeSpecInfo = Omit<NodeSpec, 'inferSchema'>;

export function specInfo(spec: NodeSpec): NodeSpecInfo {
  const { inferSchema: _ignored, ...info } = spec;
  if (!info.params.some((p) => p.kind === 'json' && p.schema)) return info;
  return {
    ...info,
    params: info.params.map((p) => {
      if (p.kind !== 'json') return p;
      const { schema: _schema, ...data } = p;
      return data;
    }),
  };
}

/** Params with every default filled in; unknown keys are kept so validation can report them. */
export function withDefaults(spec: NodeSpec, params: ParamValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of spec.params) {
    if (p.default !== undefined) out[p.name] = p.default;
  }
  return { ...out, ...params };
}
