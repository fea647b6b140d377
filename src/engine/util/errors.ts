/**
 * Errors are values with a kind and a message a user can act on; the UI and the CLI show the
 * message verbatim.
 */
export type ErrorKind =
  | 'bencode'
  | 'metainfo'
  | 'magnet'
  | 'protocol'
  | 'tracker'
  | 'storage'
  | 'no-space'
  | 'network'
  | 'hash'
  | 'usage'
  | 'internal';

export class TorrentError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TorrentError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
