/**
 * A bundle refused or a bundle operation refused, with a stable code the API hands on to the
 * caller (the handlers turn it into an ApiCallError with the same code) and a one-line message
 * that names the file, entry or field at fault.
 */
export type BundleErrorCode =
  | 'not-a-bundle'
  | 'newer-format'
  | 'unsafe-entry'
  | 'too-large'
  | 'tampered'
  | 'missing-entry'
  | 'unlisted-entry'
  | 'bad-entry'
  | 'bad-document'
  | 'bad-path'
  | 'bad-request'
  | 'not-found'
  | 'exists'
  | 'would-overwrite';

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}
