import { createRequire } from 'node:module';
import { arch, availableParallelism, platform, release } from 'node:os';
import type { EnvironmentInfo } from '../lineage/types.js';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** What a run records about the machine, so two runs can be told apart later. */
export function environmentInfo(appVersion: string): EnvironmentInfo {
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpus: availableParallelism(),
    node: process.version,
    duckdb: packageVersion('@duckdb/node-api'),
    onnxruntime: packageVersion('onnxruntime-node'),
    app: appVersion,
  };
}
