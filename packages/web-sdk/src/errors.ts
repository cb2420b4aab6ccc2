/**
 * What every SDK call throws. authing-js-sdk throws the plain envelope
 * `{code, message, data}`; this error carries the same three fields, so code
 * that reads `error.code` or `error.message` keeps working, and it stringifies
 * to the bare message, so `alert(error)` or `` `${error}` `` shows the
 * message as it did there.
 */
export class ScanloginError extends Error {
  /**
   * The service's error code (see `ErrorCodes` in `@scanlogin/protocol`, e.g. 2241
   * for an unknown QR code), or {@link NETWORK_ERROR} when no answer arrived.
   */
  readonly code: number;
  /** The envelope's `data` (usually null). */
  readonly data: unknown;
  /** The HTTP status of the answer; 0 when there was none. */
  readonly status: number;

  constructor(code: number, message: string, data: unknown = null, status = 0) {
    super(message);
    this.name = 'ScanloginError';
    this.code = code;
    this.data = data;
    this.status = status;
  }

  /**
   * True for failures worth retrying unchanged: no answer at all, a busy
   * service (429) or a server fault (5xx).
   */
  get transient(): boolean {
    return (this.code === NETWORK_ERROR && this.status === 0) || this.status === 429 || this.status >= 500;
  }

  override toString(): string {
    return this.message;
  }
}

/** `code` of a {@link ScanloginError} when the request never got an answer (offline, CORS, DNS). */
export const NETWORK_ERROR = -1;

/** Anything thrown, as a {@link ScanloginError} (a foreign error counts as a network failure). */
export function asScanloginError(e: unknown): ScanloginError {
  return e instanceof ScanloginError
    ? e
    : new ScanloginError(NETWORK_ERROR, e instanceof Error ? e.message : String(e));
}
