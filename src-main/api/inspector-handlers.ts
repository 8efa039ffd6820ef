import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import { API, type ApiResponse } from '../../src-shared/api/contract.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { profileParquet } from '../../nodes/validate-profile/run.js';
import type { DuckSession } from '../data/duckdb.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { ApiCallError } from './api-service.js';

/** The inspector's API methods; the service validates requests with the contract before these run. */
export type InspectorMethod = 'artifact.profile' | 'run.node';
export type InspectorHandlers = {
  [M in InspectorMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>>;
};

type Profile = ApiResponse<'artifact.profile'>;
const PROFILE = API['artifact.profile'].response;

/** Artifacts are content-addressed, so a profile never goes stale: the last few are kept. */
const PROFILES_KEPT = 16;
const DEFAULT_BINS = 20;
const DEFAULT_TOP_K = 5;

export function inspectorHandlers(lineage: LineageStore, session: () => Promise<DuckSession>): InspectorHandlers {
  const profiles = new Map<string, Promise<Profile>>();

  async function profile(hash: string, path: string, known: readonly ColumnSchema[] | undefined, bins: number, topK: number): Promise<Profile> {
    const db = await session();
    try {
      // The artifact's recorded schema, or the file's own when an old record has none.
      const columns = known ?? (await describe(db, path));
      const report = await profileParquet(db, path, columns, { bins, topK });
      return PROFILE.parse({ hash, rows: report.rows, columns: report.columns });
    } finally {
      db.close();
    }
  }

  return {
    'artifact.profile': async ({ hash, bins = DEFAULT_BINS, topK = DEFAULT_TOP_K }) => {
      const artifact = lineage.getArtifact(hash);
      if (!artifact) throw new ApiCallError('not-found', `no artifact "${hash}"`);
      if (artifact.kind !== 'table') throw new ApiCallError('bad-request', `artifact ${artifact.hash.slice(0, 12)} is a ${artifact.kind}, not a table`);
      if (!(await stat(artifact.path).catch(() => null))) {
        throw new ApiCallError('evicted', `table ${artifact.hash.slice(0, 12)} was evicted from the cache; run the pipeline again to see it`);
      }
      const key = `${artifact.hash}/${bins}/${topK}`;
      let pending = profiles.get(key);
      if (!pending) {
        const started = profile(artifact.hash, artifact.path, artifact.columns, bins, topK);
        profiles.set(key, started);
        started.catch(() => profiles.delete(key));
        if (profiles.size > PROFILES_KEPT) profiles.delete(profiles.keys().next().value!);
        pending = started;
      }
      // Cloned: the answer's arrays are the caller's to keep, the cached ones are not.
      return structuredClone(await pending);
    },

    'run.node': async ({ runId, node }) => {
      const run = lineage.getRun(runId);
      if (!run) throw new ApiCallError('not-found', `no run "${runId}"`);
      // A node runs once per run; the last record wins should a run ever hold two.
      const found = [...run.nodeRuns].reverse().find((n) => n.nodeId === node);
      if (!found) throw new ApiCallError('not-found', `node "${node}" did not run in run ${run.runId}`);
      return {
        runId: run.runId,
        node,
        status: found.status,
        cacheHit: found.cacheHit,
        startedAt: found.startedAt,
        endedAt: found.endedAt,
        ms: found.ms,
        error: found.error ? { message: found.error.message, stack: found.error.stack } : null,
        logs: found.logs.map((l) => ({ time: l.time, level: l.level, message: l.message })),
      };
    },
  };
}

async function describe(db: DuckSession, path: string): Promise<{ name: string; type: string }[]> {
  const rows = await db.objects('SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($path))', { path });
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}
