import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { compileArgo, CompileError } from '../cluster/argo.js';
import { DirStore } from '../cluster/dir-store.js';
import { StoreError } from '../cluster/store.js';
import { syncStore } from '../cluster/sync.js';
import { ArtifactStore } from '../engine/artifact-store.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { writeFileAtomic } from '../util/files.js';
import { ApiCallError } from './api-service.js';

export interface ClusterDeps {
  readonly lineage: LineageStore;
  readonly home: string;
  readonly catalogue: Catalogue;
  readonly readPipelineFile: (path: string) => Promise<string>;
}

type ClusterHandlers = {
  'cluster.compile': (req: ApiRequest<'cluster.compile'>) => Promise<ApiResponse<'cluster.compile'>>;
  'cluster.sync': (req: ApiRequest<'cluster.sync'>) => Promise<ApiResponse<'cluster.sync'>>;
};

/** The app's "Export for Argo Workflows…" and "Import cluster run…" (issue 11); the CLI has the same. */
export function clusterHandlers(deps: ClusterDeps): ClusterHandlers {
  return {
    'cluster.compile': async (req) => {
      const path = resolve(req.path);
      const loaded = parsePipelineText(await deps.readPipelineFile(path));
      if (!loaded.ok) throw new ApiCallError('bad-document', `${path} ${loaded.reason}`, loaded.details);
      const errors = checkGraph(loaded.document, deps.catalogue).problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) throw new ApiCallError('bad-document', `${basename(path)} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them before exporting`);
      let manifest: ReturnType<typeof compileArgo>;
      try {
        manifest = compileArgo(loaded.document, deps.catalogue, {
          image: req.image,
          store: req.store,
          ...(req.namespace ? { namespace: req.namespace } : {}),
          ...(req.pvc ? { pvc: req.pvc } : {}),
        });
      } catch (e) {
        if (e instanceof CompileError) throw new ApiCallError('bad-request', e.message);
        throw e;
      }
      const out = req.out ? resolve(req.out) : join(dirname(path), `${basename(path, extname(path))}.argo.yaml`);
      if (req.overwrite === false && existsSync(out)) throw new ApiCallError('exists', `${out} exists`);
      try {
        await writeFileAtomic(out, manifest.yaml);
      } catch (e) {
        throw new ApiCallError('bad-path', `cannot write ${out}: ${(e as Error).message}`);
      }
      return { out, bytes: Buffer.byteLength(manifest.yaml), tasks: loaded.document.nodes.length, warnings: [...manifest.warnings] };
    },

    'cluster.sync': async ({ store: dir }) => {
      const abs = resolve(dir);
      if (!existsSync(abs)) throw new ApiCallError('not-found', `${abs}: no such folder`);
      const store = new DirStore(abs);
      try {
        await store.init();
        const artifacts = new ArtifactStore(deps.home);
        await artifacts.init();
        const result = await syncStore(store, deps.lineage, artifacts);
        return { imported: result.imported.map((r) => ({ ...r })), skipped: result.skipped.map((r) => ({ ...r })) };
      } catch (e) {
        if (e instanceof StoreError) throw new ApiCallError('bad-path', e.message);
        throw e;
      }
    },
  };
}
