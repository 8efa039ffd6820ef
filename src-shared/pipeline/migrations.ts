/**
 * Format migrations. `MIGRATIONS[n]` turns a version-n document (already JSON-parsed) into a
 * version n+1 document. The loader runs this chain for every older file; the tests also run it
 * with a synthetic chain.
 */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // 2 added the optional top-level `notes`: a version 1 file simply has none.
  1: (doc) => ({ ...doc, version: 2 }),
};
