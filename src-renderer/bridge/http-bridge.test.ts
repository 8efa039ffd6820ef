import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeError } from './bridge.js';
import { createHttpBridge, type SocketLike } from './http-bridge.js';

type FetchArgs = [string, RequestInit];

function fakeFetch(status: number, body: unknown) {
  const calls: FetchArgs[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push([String(input), init ?? {}]);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const info = { version: '0.1.0', host: 'browser', home: '/h', initialPath: null, nativeDialogs: false };

describe('http bridge: calls', () => {
  it('POSTs JSON with the token header and parses the result with the contract', async () => {
    const { fetch, calls } = fakeFetch(200, { ok: true, result: info });
    const bridge = createHttpBridge({ baseUrl: 'http://127.0.0.1:9/#token=abc', token: 'abc', fetch });
    await expect(bridge.call('app.info', {})).resolves.toEqual(info);
    const [url, init] = calls[0]!;
    expect(url).toBe('http://127.0.0.1:9/api/app.info');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'content-type': 'application/json', 'x-plumb-token': 'abc' });
    expect(JSON.parse(String(init.body))).toEqual({});
  });

  it('turns {ok:false} into a BridgeError with code, message and details', async () => {
    const error = { code: 'bad-document', message: '/x.plumb is not JSON', details: ['line 3'] };
    const { fetch } = fakeFetch(422, { ok: false, error });
    const bridge = createHttpBridge({ baseUrl: 'http://h/', token: 't', fetch });
    const err = await bridge.call('document.open', { path: '/x.plumb' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: 'bad-document', message: '/x.plumb is not JSON', details: ['line 3'] });
  });

  it('refuses a result that does not match the contract', async () => {
    const { fetch } = fakeFetch(200, { ok: true, result: { version: 1 } });
    const bridge = createHttpBridge({ baseUrl: 'http://h/', token: 't', fetch });
    await expect(bridge.call('app.info', {})).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('explains a missing or wrong token', async () => {
    const { fetch } = fakeFetch(401, { ok: false, error: { code: 'forbidden', message: 'missing or wrong token' } });
    const bridge = createHttpBridge({ baseUrl: 'http://h/', token: null, fetch });
    await expect(bridge.call('app.info', {})).rejects.toMatchObject({ code: 'unauthorized', message: /plumb serve/ });
  });

  it('reports an unreachable host and a non-JSON answer', async () => {
    const down = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(createHttpBridge({ baseUrl: 'http://h/', token: 't', fetch: down }).call('app.info', {})).rejects.toMatchObject({
      code: 'network',
    });
    const { fetch } = fakeFetch(502, '<html>bad gateway</html>');
    await expect(createHttpBridge({ baseUrl: 'http://h/', token: 't', fetch }).call('app.info', {})).rejects.toMatchObject({
      code: 'http',
    });
  });
});

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

describe('http bridge: events', () => {
  afterEach(() => {
    FakeSocket.all = [];
    vi.useRealTimers();
  });

  it('passes on valid events only, and reconnects after a drop with a visible state', () => {
    vi.useFakeTimers();
    const bridge = createHttpBridge({
      baseUrl: 'http://127.0.0.1:9/',
      token: 'tok',
      openSocket: (url) => new FakeSocket(url),
      reconnectMs: 100,
    });
    const events: unknown[] = [];
    const states: string[] = [];
    bridge.onEvent((e) => events.push(e));
    bridge.onConnection((s) => states.push(s));
    expect(FakeSocket.all).toHaveLength(1);
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:9/events?token=tok');

    ws.onopen?.({});
    ws.onmessage?.({ data: JSON.stringify({ event: 'run', run: 'r1', status: 'running' }) });
    ws.onmessage?.({ data: JSON.stringify({ event: 'run', run: 'r1', status: 'exploded' }) });
    ws.onmessage?.({ data: 'not json' });
    expect(events).toEqual([{ event: 'run', run: 'r1', status: 'running' }]);

    ws.onclose?.({});
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onopen?.({});
    expect(states.at(-1)).toBe('connected');

    bridge.dispose();
    expect(FakeSocket.all[1]!.closed).toBe(true);
  });
});
