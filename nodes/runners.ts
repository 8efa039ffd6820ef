import { runnerKey, type NodeRunFn } from '../src-main/engine/node-runner.js';
import { runIngestCsv } from './ingest-csv/run.js';
import { runValidateProfile } from './validate-profile/run.js';

/** Node type@version -> run function (main side only). One line per node type. */
export const runners: ReadonlyMap<string, NodeRunFn> = new Map([
  [runnerKey('ingest.csv', 1), runIngestCsv],
  [runnerKey('validate.profile', 1), runValidateProfile],
  // (new runners above this line: one line each)
]);
