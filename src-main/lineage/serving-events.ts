import type Database from 'better-sqlite3';

/**
 * The record of a serving endpoint's routing changes (migration 4): which versions took traffic
 * when, and why a canary was rolled back. Written by src-main/serving, read by `plumb models NAME`.
 */
export interface ServingEvent {
  readonly at: number;
  readonly model: string;
  readonly fromVersion: number | null;
  readonly toVersion: number | null;
  /** switch, canary-start, canary-step, promote, rollback, auto-rollback, ab-start, shadow-start. */
  readonly kind: string;
  readonly percent: number | null;
  readonly reason: string | null;
  readonly actor: string | null;
}

interface EventRow {
  at: number;
  model: string;
  from_version: number | null;
  to_version: number | null;
  kind: string;
  percent: number | null;
  reason: string | null;
  actor: string | null;
}

export class ServingEventsTable {
  private readonly insert: Database.Statement<[number, string, number | null, number | null, string, number | null, string | null, string | null]>;
  private readonly byModel: Database.Statement<[string, number], EventRow>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO serving_events (at, model, from_version, to_version, kind, percent, reason, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byModel = db.prepare(
      `SELECT at, model, from_version, to_version, kind, percent, reason, actor FROM serving_events WHERE model = ? ORDER BY at DESC, id DESC LIMIT ?`,
    );
  }

  record(e: ServingEvent): void {
    this.insert.run(Math.round(e.at), e.model, e.fromVersion, e.toVersion, e.kind, e.percent, e.reason, e.actor);
  }

  /** Newest first. */
  list(model: string, limit: number): ServingEvent[] {
    return this.byModel.all(model, limit).map((r) => ({
      at: r.at,
      model: r.model,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      kind: r.kind,
      percent: r.percent,
      reason: r.reason,
      actor: r.actor,
    }));
  }
}
