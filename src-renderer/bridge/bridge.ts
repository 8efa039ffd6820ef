import { z } from 'zod';
import {
  API,
  ApiError,
  PlumbEvent,
  type ApiMethod,
  type ApiRequest,
  type ApiResponse,
} from '../../src-shared/api/contract.js';

/**
 * The renderer's only door to the app API. One interface, one implementation per host (Electron
 * preload, HTTP + WebSocket); nothing outside this folder knows which host it runs in.
 */
export interface Bridge {
  /** Calls an API method; resolves with the parsed result or rejects with a BridgeError. */
  call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  /** Validated events of every run; returns an unsubscribe function. */
  onEvent(listener: (event: PlumbEvent) => void): () => void;
  /** Native menu commands (Electron only; the browser host never sends any). */
  onMenu(listener: (command: string, arg?: unknown) => void): () => void;
  /** Whether the event stream is live; the listener is called at once with the current state. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /**
   * Where the browser can download the CSV a playground batch job wrote; null where the file
   * is already on the user's disk (Electron), and the path is what to show.
   */
  batchDownloadUrl(job: string): string | null;
  dispose(): void;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export class BridgeError extends Error {
  readonly code: string;
  readonly details: readonly string[];

  constructor(code: string, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    this.details = details;
  }
}

const Envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError }),
]);

/**
 * Reads a host's `{ok, result} | {ok:false, error}` answer. The result is parsed with the
 * contract's response schema too: a host that answers the wrong shape is a bug to report as
 * such, not something for the UI to stumble over later.
 */
export function readEnvelope<M extends ApiMethod>(method: M, raw: unknown): ApiResponse<M> {
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) {
    throw new BridgeError('bad-response', `${method}: the host answered something that is not an API reply`);
  }
  if (!envelope.data.ok) {
    const { code, message, details } = envelope.data.error;
    throw new BridgeError(code, message, details ?? []);
  }
  const schema: z.ZodType = API[method].response;
  const parsed = schema.safeParse(envelope.data.result);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`);
    throw new BridgeError('bad-response', `${method}: unexpected reply from the host (${details[0]})`, details);
  }
  // The schema is API[method].response, whose output type ApiResponse<M> is by definition.
  return parsed.data as ApiResponse<M>;
}

/** An event that does not match the contract is dropped: the stream must not crash the UI. */
export function readEvent(raw: unknown): PlumbEvent | null {
  const parsed = PlumbEvent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A tiny listener set; returns the unsubscribe function the bridge methods hand out. */
export class Listeners<T extends unknown[]> {
  private readonly set = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(...args: T): void {
    for (const l of [...this.set]) {
      try {
        l(...args);
      } catch (e) {
        // One broken listener must not starve the others of events.
        console.error('plumb: event listener failed', e);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }

  clear(): void {
    this.set.clear();
  }
}
