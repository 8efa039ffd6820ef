import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { OnnxSignature, PlumbModelInfo, RowPrediction } from '../../src-shared/api/contract.js';
import { InferenceError } from '../inference/errors.js';
import { feedsFromRows, predictionColumns, rowPredictions } from '../inference/predict-rows.js';
import { runSession, SessionCache } from '../inference/sessions.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { osUserName } from '../lineage/model-registry.js';
import type { ModelStage } from '../lineage/types.js';
import { MT19937 } from '../ml/random/mt19937.js';
import { ModelRefError, parseModelRef, resolveModelRef } from '../registry/resolve.js';
import { ServingMetrics, type ServingStats } from './metrics.js';
import { MicroBatcher } from './micro-batcher.js';
import { DEFAULT_LOG_MAX_BYTES, liveAccuracyOf, loggedInputName, RotatingLog, servingDir, type VersionAccuracy } from './prediction-log.js';
import { checkRows, DEFAULT_MAX_BODY_BYTES, HttpError, MAX_ROWS, parsePredictBody, readBody, typedRow, type Row } from './request-rows.js';
import { Router, versionsNeeded, type RoutingChange, type RoutingEvent, type RoutingState } from './routing.js';

export interface ServingOptions {
  readonly lineage: LineageStore;
  /** The state folder; logs go to <home>/serving/<name>/. */
  readonly home: string;
  /** NAME (its production version), NAME:3 or NAME@stage. */
  readonly model: string;
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** absent: a random token; null: no token (`--no-token`). */
  readonly token?: string | null;
  /** Cap of the prediction log (and, separately, of the feedback log). Default 64 MiB. */
  readonly logMaxBytes?: number;
  /** Largest request body (413 above). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Seeded sources for tests; defaults: a Mersenne Twister seeded from the OS, and Date.now. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** How long stop() waits for requests in flight before closing their connections. Default 10 s. */
  readonly drainMs?: number;
}

export interface ServedVersion {
  readonly version: number;
  readonly stage: ModelStage;
  readonly onnxPath: string;
  readonly signature: OnnxSignature;
  readonly plumb: PlumbModelInfo;
}

export type ServingEndpointEvent =
  | { readonly kind: 'routing'; readonly change: RoutingEvent; readonly state: RoutingState }
  | { readonly kind: 'stats'; readonly stats: ServingStats }
  | { readonly kind: 'warning'; readonly message: string };

const FeedbackItem = z.object({
  id: z.string().min(1).max(100),
  row: z.number().int().min(0).max(MAX_ROWS).optional(),
  label: z.union([z.string(), z.number(), z.boolean()]),
});
const FeedbackBody = z.union([FeedbackItem, z.object({ feedback: z.array(FeedbackItem).min(1).max(MAX_ROWS) })]);


/** A canary's coin: seeded once per start from the OS (the split need not be reproducible, only fair). */
function freshRandom(): () => number {
  const mt = new MT19937(randomBytes(4).readUInt32LE(0));
  return () => mt.nextUint32() / 2 ** 32;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A local HTTP endpoint serving one registered model; see index.ts for the interface. */
export class ServingEndpoint {
  readonly name: string;
  readonly token: string | null;
  url = '';

  private readonly server: Server;
  private readonly sessions = new SessionCache({ maxSessions: 4 });
  private readonly versions = new Map<number, ServedVersion>();
  private readonly loading = new Map<number, Promise<ServedVersion>>();
  private readonly batchers = new Map<number, MicroBatcher<Row, RowPrediction>>();
  private readonly metrics: ServingMetrics;
  private readonly predictionLog: RotatingLog;
  private readonly feedbackLog: RotatingLog;
  private readonly listeners = new Set<(e: ServingEndpointEvent) => void>();
  private readonly tokenDigest: Buffer | null;
  private readonly now: () => number;
  private router!: Router;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private stopping: Promise<void> | null = null;
  private port = 0;

  private constructor(private readonly opts: ServingOptions, name: string) {
    this.name = name;
    this.now = opts.now ?? Date.now;
    this.token = opts.token === null ? null : (opts.token ?? randomBytes(24).toString('base64url'));
    this.tokenDigest = this.token === null ? null : digest(this.token);
    this.metrics = new ServingMetrics(name, this.now);
    const dir = servingDir(opts.home, name);
    const cap = opts.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES;
    const failed = (what: string) => (e: Error) => this.emit({ kind: 'warning', message: `the ${what} log could not be written: ${e.message}` });
    this.predictionLog = new RotatingLog(dir, 'predictions', cap, failed('prediction'));
    this.feedbackLog = new RotatingLog(dir, 'feedback', cap, failed('feedback'));
    this.server = createServer({ keepAliveTimeout: 5000 }, (req, res) => void this.handle(req, res));
  }

  /** Resolves the model, loads its session, listens on 127.0.0.1. */
  static async start(opts: ServingOptions): Promise<ServingEndpoint> {
    const parsed = parseModelRef(opts.model);
    if ('path' in parsed) throw new ModelRefError(`"${opts.model}" is a file: serving takes a registered model (NAME, NAME:VERSION or NAME@STAGE)`);
    const first = resolveModelRef(opts.lineage, opts.model);
    const endpoint = new ServingEndpoint(opts, parsed.name);
    await endpoint.load(first.version ?? 0);
    endpoint.router = new Router(first.version ?? 0, opts.random ?? freshRandom(), endpoint.now);
    await endpoint.listen(opts.port ?? 0);
    endpoint.record(endpoint.router.current.history[0], null);
    endpoint.timer = setInterval(() => endpoint.tick(), 1000);
    endpoint.timer.unref();
    return endpoint;
  }

  routing(): RoutingState {
    return this.router.current;
  }

  /**
   * Applies a routing change. A version it names is loaded (and its session opened) before the
   * change takes effect, so no request ever waits on a load or fails because of one.
   */
  async setRouting(change: RoutingChange, reason?: string): Promise<RoutingState> {
    for (const v of versionsNeeded(change)) await this.load(v);
    const event = this.router.apply(reason !== undefined && change.reason === undefined ? { ...change, reason } : change);
    this.record(event, osUserName());
    return this.router.current;
  }

  stats(): ServingStats {
    return this.metrics.stats();
  }

  /** Live accuracy per version from the prediction and feedback logs. */
  accuracy(): VersionAccuracy[] {
    this.predictionLog.flush();
    this.feedbackLog.flush();
    return liveAccuracyOf(servingDir(this.opts.home, this.name));
  }

  /** The prediction log's segment files, oldest first (NDJSON: an ingest.json node reads one). */
  logFiles(): string[] {
    return this.predictionLog.files();
  }

  /** Versions loaded so far. */
  served(): ServedVersion[] {
    return [...this.versions.values()].sort((a, b) => a.version - b.version);
  }

  onEvent(listener: (e: ServingEndpointEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops accepting connections, lets requests in flight (and shadow runs) finish, releases sessions. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      const closed = new Promise<void>((done) => this.server.close(() => done()));
      this.server.closeIdleConnections();
      if (this.inFlight > 0) {
        const drained = new Promise<void>((done) => (this.drained = done));
        const timeout = new Promise<void>((done) => setTimeout(done, this.opts.drainMs ?? 10_000).unref());
        await Promise.race([drained, timeout]);
      }
      this.server.closeAllConnections();
      await closed;
      this.predictionLog.flush();
      this.feedbackLog.flush();
      await this.sessions.dispose();
      this.listeners.clear();
    })();
    return this.stopping;
  }

  // ------------------------------------------------------------------ internals

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        this.url = `http://127.0.0.1:${this.port}`;
        resolve();
      });
    });
  }

  private load(version: number): Promise<ServedVersion> {
    const have = this.versions.get(version);
    if (have) return Promise.resolve(have);
    let pending = this.loading.get(version);
    if (!pending) {
      pending = (async () => {
        const resolved = resolveModelRef(this.opts.lineage, `${this.name}:${version}`);
        const signature = await this.sessions.signature(resolved.onnxPath);
        if (!signature.plumb) throw new ModelRefError(`version ${version} of "${this.name}" has no plumb.* metadata: only models exported by Plumb take rows`);
        const served: ServedVersion = { version, stage: resolved.stage ?? 'none', onnxPath: resolved.onnxPath, signature, plumb: signature.plumb };
        this.versions.set(version, served);
        return served;
      })().finally(() => this.loading.delete(version));
      this.loading.set(version, pending);
    }
    return pending;
  }

  private record(event: RoutingEvent, actor: string | null): void {
    try {
      this.opts.lineage.recordServingEvent({
        at: event.at,
        model: this.name,
        fromVersion: event.from,
        toVersion: event.to,
        kind: event.kind,
        percent: event.percent,
        reason: event.reason,
        actor,
      });
    } catch (e) {
      this.emit({ kind: 'warning', message: `could not record the routing change in lineage: ${(e as Error).message}` });
    }
    this.emit({ kind: 'routing', change: event, state: this.router.current });
  }

  private tick(): void {
    const stepped = this.router.tick();
    if (stepped) this.record(stepped, null);
    if (this.listeners.size > 0) this.emit({ kind: 'stats', stats: this.metrics.stats() });
  }

  private emit(e: ServingEndpointEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own; serving goes on.
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    let version: number | null = null;
    try {
      this.checkHost(req);
      this.checkToken(req);
      const allow = { '/predict': 'POST', '/feedback': 'POST', '/health': 'GET', '/model': 'GET', '/metrics': 'GET' }[path];
      if (allow === undefined) throw new HttpError(404, `no such path ${path} (paths: POST /predict, POST /feedback, GET /health, GET /model, GET /metrics)`);
      if (req.method !== allow) {
        res.setHeader('Allow', allow);
        throw new HttpError(405, `${path} takes ${allow}, not ${req.method}`);
      }
      if (path === '/predict') {
        const { answer, after } = await this.predict(req, started, (v) => (version = v));
        send(res, 200, answer, { 'X-Plumb-Version': String(answer.version) });
        this.metrics.request(answer.version, 200, (performance.now() - started) / 1000);
        after(); // the log and the shadow run once the answer is on its way
      } else if (path === '/feedback') {
        send(res, 200, await this.feedback(req));
      } else if (path === '/health') {
        send(res, 200, { status: this.stopping ? 'stopping' : 'ok', name: this.name, version: this.router.current.primary });
      } else if (path === '/model') {
        send(res, 200, this.modelInfo());
      } else {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.metrics.prometheus(this.roles()));
      }
    } catch (e) {
      const status = e instanceof HttpError ? e.status : e instanceof InferenceError && e.code === 'bad-input' ? 400 : 500;
      const body = {
        error: e instanceof Error ? e.message : String(e),
        ...(e instanceof HttpError && e.errors ? { errors: e.errors } : {}),
        ...(version !== null ? { version } : {}),
      };
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      if (status === 413) res.setHeader('Connection', 'close');
      send(res, status, body, version !== null ? { 'X-Plumb-Version': String(version) } : {});
      if (path === '/predict') {
        const served = version !== null && status >= 500;
        this.metrics.request(version, status, served ? (performance.now() - started) / 1000 : null);
      }
    } finally {
      this.done();
    }
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.drained) this.drained();
  }

  /** DNS rebinding: a web page's request to 127.0.0.1 carries the page's host name. */
  private checkHost(req: IncomingMessage): void {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      throw new HttpError(403, `Host "${host}" is not accepted: call http://127.0.0.1:${this.port}`);
    }
  }

  private checkToken(req: IncomingMessage): void {
    if (this.tokenDigest === null) return;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Hashes have equal lengths, so the compare is constant-time whatever the caller sent.
    if (!m || !timingSafeEqual(digest(m[1]), this.tokenDigest)) {
      throw new HttpError(401, 'a bearer token is required: send "Authorization: Bearer TOKEN" with the token serve-model printed');
    }
  }

  private async predict(
    req: IncomingMessage,
    started: number,
    routed: (v: number) => void,
  ): Promise<{ answer: { id: string; version: number; predictions: RowPrediction[] }; after: () => void }> {
    const body = await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const parsed = parsePredictBody(body, req.headers['content-type']);
    const header = req.headers['x-plumb-key'];
    const key = typeof header === 'string' && header !== '' ? header : parsed.key;
    const route = this.router.route(key);
    // The version object is taken now: a switch during the run does not move this request.
    const served = this.versions.get(route.version);
    if (!served) throw new Error(`version ${route.version} is routed but not loaded (a bug)`);
    routed(served.version);
    const rows = parsed.format === 'csv' ? onlyModelColumns(served.plumb, parsed.rows) : parsed.rows;
    const errors = checkRows(served.plumb, rows);
    if (errors.length > 0) {
      throw new HttpError(400, `${errors.length} problem${errors.length === 1 ? '' : 's'} in the rows (first: row ${errors[0].row}: ${errors[0].message})`, errors.slice(0, 100));
    }
    const id = randomUUID();
    let predictions: RowPrediction[];
    try {
      predictions = await this.score(served, rows);
    } catch (e) {
      if (!(e instanceof InferenceError && e.code === 'bad-input')) this.afterOutcome(served.version, false, performance.now() - started);
      throw e;
    }
    const ms = performance.now() - started;
    this.afterOutcome(served.version, true, ms);
    const after = (): void => {
      this.metrics.predictions(
        served.version,
        predictions.map((p) => ('label' in p ? p.label : null)),
        predictions.map((p) => ('value' in p ? p.value : null)),
      );
      this.log(served, rows, predictions, id, route.role, ms);
      if (route.shadow !== null) void this.shadow(route.shadow, rows, id);
    };
    return { answer: { id, version: served.version, predictions }, after };
  }

  private score(served: ServedVersion, rows: readonly Row[]): Promise<RowPrediction[]> {
    let batcher = this.batchers.get(served.version);
    if (!batcher) {
      batcher = new MicroBatcher((batch) => this.scoreNow(served, batch));
      this.batchers.set(served.version, batcher);
    }
    return batcher.predict(rows);
  }

  private async scoreNow(served: ServedVersion, rows: readonly Row[]): Promise<RowPrediction[]> {
    return this.sessions.use(served.onnxPath, async (model) => {
      const feeds = feedsFromRows(model.signature, served.plumb, rows);
      const outputs = await runSession(model, feeds);
      return rowPredictions(predictionColumns(outputs, served.plumb, rows.length, model.path), rows.length);
    });
  }

  private afterOutcome(version: number, ok: boolean, ms: number): void {
    const event = this.router.record(version, ok, ms);
    if (event) this.record(event, null);
  }

  /** The shadow's answer is logged, never returned; its failure is counted, never the request's. */
  private async shadow(version: number, rows: readonly Row[], id: string): Promise<void> {
    const served = this.versions.get(version);
    if (!served) return;
    this.inFlight++;
    const t0 = performance.now();
    try {
      if (checkRows(served.plumb, rows).length > 0) throw new Error('the rows do not fit the shadow version\'s inputs');
      const predictions = await this.score(served, rows);
      this.metrics.shadow(version, true);
      this.log(served, rows, predictions, id, 'shadow', performance.now() - t0);
    } catch {
      this.metrics.shadow(version, false);
    } finally {
      this.done();
    }
  }

  private log(served: ServedVersion, rows: readonly Row[], predictions: readonly RowPrediction[], id: string, role: string, ms: number): void {
    const at = this.now();
    const latency = Math.round(ms * 1000) / 1000;
    const records = rows.map((row, i) => {
      const inputs = typedRow(served.plumb, row);
      // Meta names win; an input column that uses one keeps its value under input_<name>.
      const rec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(inputs)) rec[loggedInputName(k)] = v;
      const p = predictions[i];
      Object.assign(rec, { request_id: id, row: i, at, version: served.version, role, latency_ms: latency });
      if ('value' in p) rec.predicted = p.value;
      else {
        rec.predicted = p.label;
        for (const [c, x] of Object.entries(p.probabilities ?? {})) rec[`p_${c}`] = x;
      }
      if (p.refused) rec.refused = true;
      return rec;
    });
    this.predictionLog.append(records);
  }

  private async feedback(req: IncomingMessage): Promise<{ accepted: number }> {
    const body = await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = FeedbackBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, `${issue.path.join('.') || 'the body'}: ${issue.message} (expected {"id": REQUEST_ID, "row"?: N, "label": VALUE} or {"feedback": [...]})`);
    }
    const items = 'feedback' in parsed.data ? parsed.data.feedback : [parsed.data];
    const at = this.now();
    this.feedbackLog.append(items.map((f) => ({ id: f.id, row: f.row ?? 0, label: f.label, at })));
    return { accepted: items.length };
  }

  private roles(): Map<number, string> {
    const s = this.router.current;
    const roles = new Map<number, string>([[s.primary, 'primary']]);
    if (s.candidate !== null) roles.set(s.candidate, s.strategy === 'shadow' ? 'shadow' : 'candidate');
    return roles;
  }

  private modelInfo(): object {
    const s = this.router.current;
    const primary = this.versions.get(s.primary);
    const roles = this.roles();
    return {
      name: this.name,
      version: s.primary,
      routing: { strategy: s.strategy, primary: s.primary, candidate: s.candidate, percent: s.percent },
      versions: [...roles].map(([version, role]) => ({ version, role, stage: this.versions.get(version)?.stage ?? null })),
      task: primary?.plumb.task ?? null,
      target: primary?.plumb.target ?? null,
      classes: primary?.plumb.classes ?? null,
      estimator: primary?.plumb.estimator ?? null,
      inputs: primary?.plumb.inputs ?? [],
      outputs: (primary?.signature.outputs ?? []).map((o) => ({ name: o.name, elementType: o.elementType, shape: o.shape })),
    };
  }
}

function onlyModelColumns(plumb: PlumbModelInfo, rows: readonly Row[]): Row[] {
  const names = plumb.inputs.map((c) => c.name);
  return rows.map((r) => Object.fromEntries(names.filter((n) => n in r).map((n) => [n, r[n]])));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}


