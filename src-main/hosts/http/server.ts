import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP } from '../../../src-shared/api/contract.js';
import { ApiCallError, type ApiService } from '../../api/api-service.js';

/**
 * The browser host: the app API over HTTP + WebSocket on 127.0.0.1 only. Every API request and
 * event subscription needs the per-start token, and a browser request must come from our own
 * origin (a page on another site cannot drive the API even if it guesses the port). The Host
 * header is checked too, against DNS rebinding.
 */
export interface HttpHostOptions {
  readonly service: ApiService;
  /** The built renderer (vite build output); index.html is served at `/`. */
  readonly staticDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** For tests; a fresh random token otherwise. */
  readonly token?: string;
}

export interface HttpHost {
  readonly url: string;
  /** The URL to open: carries the token in the fragment, which browsers never send to servers. */
  readonly appUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 25 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export async function startHttpHost(opts: HttpHostOptions): Promise<HttpHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(opts.staticDir);
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  /** Returns a refusal reason, or null when the request may proceed. */
  const refuse = (req: IncomingMessage, presentedToken: string | null): { status: number; message: string } | null => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return { status: 403, message: 'unexpected Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) {
      return { status: 403, message: `origin ${origin} is not allowed` };
    }
    if (presentedToken === null || !sameToken(presentedToken, token)) {
      return { status: 401, message: 'missing or wrong token' };
    }
    return null;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(e) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(HTTP.apiPrefix)) {
      const header = req.headers[HTTP.tokenHeader];
      const refusal = refuse(req, typeof header === 'string' ? header : null);
      if (refusal) return sendJson(res, refusal.status, { ok: false, error: { code: 'forbidden', message: refusal.message } });
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'method', message: 'use POST' } });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        // Also keeps "simple" cross-site form posts out: they cannot set this content type.
        return sendJson(res, 415, { ok: false, error: { code: 'content-type', message: 'send application/json' } });
      }
      const method = decodeURIComponent(url.pathname.slice(HTTP.apiPrefix.length));
      let payload: unknown;
      try {
        payload = JSON.parse(await readBody(req));
      } catch (e) {
        return sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: `body: ${(e as Error).message}` } });
      }
      try {
        const result = await opts.service.call(method, payload);
        if (method === 'playground.batch') rememberBatchOutput(result);
        return sendJson(res, 200, { ok: true, result });
      } catch (e) {
        if (e instanceof ApiCallError) {
          const status = e.code === 'unknown-method' ? 404 : e.code === 'bad-request' ? 400 : 422;
          return sendJson(res, status, { ok: false, error: { code: e.code, message: e.message, details: e.details } });
        }
        throw e;
      }
    }
    if (url.pathname.startsWith(HTTP.batchDownloadPath)) return serveBatchOutput(req, res, url);
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(403).end('unexpected Host header');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(url.pathname, res);
  }

  /**
   * The files playground.batch wrote, by job id: a download is a browser navigation, so the only
   * files it may fetch are those a batch job produced for this host, never a path it names.
   */
  const batchOutputs = new Map<string, string>();
  const MAX_REMEMBERED_OUTPUTS = 100;

  function rememberBatchOutput(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    const { job, out } = result as { job?: unknown; out?: unknown };
    if (typeof job !== 'string' || typeof out !== 'string') return;
    batchOutputs.delete(job);
    batchOutputs.set(job, out);
    if (batchOutputs.size > MAX_REMEMBERED_OUTPUTS) batchOutputs.delete(batchOutputs.keys().next().value!);
  }

  function serveBatchOutput(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const refusal = refuse(req, url.searchParams.get(HTTP.tokenParam));
    const plain = { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (refusal) {
      res.writeHead(refusal.status, plain).end(refusal.message);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, plain).end();
      return;
    }
    const job = decodeURIComponent(url.pathname.slice(HTTP.batchDownloadPath.length));
    const file = batchOutputs.get(job);
    const stat = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!file || !stat?.isFile()) {
      res.writeHead(404, plain).end(file ? `${file} is no longer there` : `no batch prediction "${job}" was made by this host`);
      return;
    }
    // RFC 6266: an ASCII fallback name, and the exact one percent-encoded.
    const name = basename(file);
    const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(stat.size),
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (!existsSync(join(staticDir, 'index.html'))) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The renderer is not built (${staticDir} has no index.html). Run: npm run build:renderer`);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': rel === 'index.html' ? 'no-cache' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refusal = url.pathname === HTTP.eventsPath ? refuse(req, url.searchParams.get(HTTP.tokenParam)) : { status: 404, message: 'not found' };
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // The event stream is one-way; anything a client sends is ignored.
    });
  });
  const unsubscribe = opts.service.onEvent((event) => {
    const text = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    appUrl: `${url}/#${HTTP.tokenParam}=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function sameToken(presented: string, token: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error(`larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
