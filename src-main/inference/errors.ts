/**
 * A failure of the inference layer meant for the user as it is: a stable code (the API maps it
 * to its own) and one sentence naming the file, input, column or row at fault.
 */
export type InferenceErrorCode =
  | 'not-found'
  | 'too-large'
  | 'bad-model'
  | 'unsupported'
  | 'bad-input'
  | 'bad-csv'
  | 'run-failed'
  | 'aborted';

export class InferenceError extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** onnxruntime prefixes its messages with source locations and status codes; keep the sentence. */
export function ortMessage(e: unknown): string {
  const raw = errorMessage(e).trim();
  const cleaned = raw
    .replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/, '')
    .replace(/\s+/g, ' ');
  return cleaned.length > 600 ? `${cleaned.slice(0, 600)}…` : cleaned;
}
