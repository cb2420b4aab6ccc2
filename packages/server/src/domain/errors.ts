import { ErrorCodes, type ErrorName } from '@scanlogin/protocol';

/**
 * The only error type the domain throws on purpose. It names an entry of the
 * registry; the HTTP layer renders it, nobody else chooses a status.
 */
export class ServiceError extends Error {
  readonly errorName: ErrorName;
  readonly code: number;
  readonly status: number;
  /** Extra headers the renderer should set (Retry-After, ...). */
  readonly headers: Record<string, string> | undefined;

  constructor(name: ErrorName, message?: string, headers?: Record<string, string>) {
    const entry = ErrorCodes[name];
    super(message ?? entry.message);
    this.name = 'ServiceError';
    this.errorName = name;
    this.code = entry.code;
    this.status = entry.status;
    this.headers = headers;
  }
}

export const fail = (name: ErrorName, message?: string, headers?: Record<string, string>): never => {
  throw new ServiceError(name, message, headers);
};

/** Thrown by adapters when their backend cannot be reached; rendered as 503. */
export class StorageUnavailableError extends Error {
  constructor(backend: string, cause?: unknown) {
    super(`${backend} is unavailable`, { cause });
    this.name = 'StorageUnavailableError';
  }
}

/** Raised by a store's `insert*`/`update*` when a unique field is taken. */
export class ConflictError extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'ConflictError';
  }
}
