import type { PlumbEvent } from '../../src-shared/api/contract.js';

/**
 * The one implementation of the app API (src-shared/api/contract.ts), host-agnostic. Hosts
 * (Electron IPC, HTTP) hand raw payloads to `call`; it validates them with the contract's schemas,
 * so a host never has to trust what it forwards.
 */
export interface ApiService {
  /** Validates `payload` against the method's request schema; rejects with an ApiCallError. */
  call(method: string, payload: unknown): Promise<unknown>;
  /** Every run, node, progress and log event, for every client. Returns an unsubscribe. */
  onEvent(listener: (event: PlumbEvent) => void): () => void;
  dispose(): Promise<void>;
}

/** Host-specific abilities the service needs; the browser host has no native dialogs. */
export interface HostAbilities {
  readonly host: 'electron' | 'browser';
  readonly dialogs?: {
    open(kind?: 'pipeline' | 'onnx' | 'bundle'): Promise<string | null>;
    save(suggestedName?: string): Promise<string | null>;
  };
}

/** A failure that is safe to show the user: a stable code and a one-line message. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}
