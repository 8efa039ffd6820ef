import { HTTP, type PlumbEvent } from '../../src-shared/api/contract.js';
import { BridgeError, Listeners, readEnvelope, readEvent, type Bridge, type ConnectionState } from './bridge.js';

/** The part of the DOM WebSocket the bridge uses, so tests can hand in a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

export interface HttpBridgeOptions {
  /** The page's address; API and event URLs are resolved against it. */
  readonly baseUrl: string;
  readonly token: string | null;
  readonly fetch?: typeof fetch;
  readonly openSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubles after each failure up to maxReconnectMs. */
  readonly reconnectMs?: number;
  readonly maxReconnectMs?: number;
}

const NO_TOKEN_HINT = 'Open Plumb with the full address printed by `plumb serve` (it carries the access token).';

/** The browser host: API calls over HTTP POST, events over a WebSocket that reconnects by itself. */
export function createHttpBridge(opts: HttpBridgeOptions): Bridge {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const openSocket = opts.openSocket ?? ((url: string): SocketLike => new WebSocket(url) as unknown as SocketLike);
  const firstDelay = opts.reconnectMs ?? 500;
  const maxDelay = opts.maxReconnectMs ?? 5000;

  const events = new Listeners<[PlumbEvent]>();
  const connectionListeners = new Listeners<[ConnectionState]>();
  let state: ConnectionState = 'connecting';
  let socket: SocketLike | null = null;
  let started = false;
  let disposed = false;
  let delay = firstDelay;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    connectionListeners.emit(next);
  };

  const eventsUrl = (): string => {
    const url = new URL(HTTP.eventsPath, opts.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    url.search = '';
    if (opts.token) url.searchParams.set(HTTP.tokenParam, opts.token);
    return url.href;
  };

  const connect = (): void => {
    if (disposed) return;
    const ws = openSocket(eventsUrl());
    socket = ws;
    ws.onopen = () => {
      delay = firstDelay;
      setState('connected');
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(msg.data);
      } catch {
        return;
      }
      const event = readEvent(raw);
      if (event) events.emit(event);
    };
    ws.onerror = () => {
      // A close always follows an error; reconnecting is handled there.
    };
    ws.onclose = () => {
      if (socket !== ws || disposed) return;
      socket = null;
      setState('disconnected');
      timer = setTimeout(() => {
        timer = null;
        connect();
      }, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
  };

  const ensureStarted = (): void => {
    if (started || disposed) return;
    started = true;
    connect();
  };

  return {
    async call(method, request) {
      const url = new URL(`${HTTP.apiPrefix}${method}`, opts.baseUrl);
      url.hash = '';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.token) headers[HTTP.tokenHeader] = opts.token;
      let res: Response;
      try {
        res = await doFetch(url.href, { method: 'POST', headers, body: JSON.stringify(request ?? {}) });
      } catch (e) {
        throw new BridgeError(
          'network',
          `Cannot reach Plumb (${e instanceof Error ? e.message : String(e)}); is \`plumb serve\` still running?`,
        );
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new BridgeError('http', `${method}: the host answered HTTP ${res.status} without an API reply`);
      }
      if (res.status === 401) {
        throw new BridgeError('unauthorized', `Plumb refused the request (missing or wrong token). ${NO_TOKEN_HINT}`);
      }
      return readEnvelope(method, body);
    },
    onEvent(listener) {
      ensureStarted();
      return events.add(listener);
    },
    onMenu() {
      return () => {};
    },
    onConnection(listener) {
      ensureStarted();
      const off = connectionListeners.add(listener);
      listener(state);
      return off;
    },
    batchDownloadUrl(job) {
      // A download is a navigation, which cannot carry the token header: it goes in the query, as for the WebSocket.
      const url = new URL(`${HTTP.batchDownloadPath}${encodeURIComponent(job)}`, opts.baseUrl);
      url.hash = '';
      url.search = '';
      if (opts.token) url.searchParams.set(HTTP.tokenParam, opts.token);
      return url.href;
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
      socket = null;
      events.clear();
      connectionListeners.clear();
    },
  };
}
