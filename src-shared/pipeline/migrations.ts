/**
 * Format migrations. `MIGRATIONS[n]` turns a version-n document (already JSON-parsed) into a
 * version n+1 document. Version 1 is the first format, so there are none yet; the loader runs
 * this chain for every older file, and the tests run it with a synthetic chain.
 */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {};
