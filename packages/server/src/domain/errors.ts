import { ErrorCodes, type ErrorName, errorMessage, type Lang } from '@scanlogin/protocol';
import { type Detail, sayDetail } from './messages.js';

/**
 * The only error type the domain throws on purpose. It names an entry of the
 * registry; the HTTP layer renders it, nobody else chooses a status. What it
 * says more precisely than the registry is a `Detail` (./messages.ts), said in
 * the request's language when it is rendered; `message` is the English, for
 * logs and the command line.
 */
export class ServiceError extends Error {
  readonly errorName: ErrorName;
  readonly code: number;
  readonly status: number;
  readonly detail: Detail | undefined;
  /** Extra headers the renderer should set (Retry-After, ...). */
  readonly headers: Record<string, string> | undefined;

  constructor(name: ErrorName, detail?: Detail, headers?: Record<string, string>) {
    const entry = ErrorCodes[name];
    super(detail ? sayDetail(detail, 'en-US') : entry.message);
    this.name = 'ServiceError';
    this.errorName = name;
    this.code = entry.code;
    this.status = entry.status;
    this.detail = detail;
    this.headers = headers;
  }

  /** What the error says in `lang`: its detail, else the registry's message. */
  messageIn(lang: Lang): string {
    return this.detail ? sayDetail(this.detail, lang) : errorMessage(this.errorName, lang);
  }
}

export const fail = (name: ErrorName, detail?: Detail, headers?: Record<string, string>): never => {
  throw new ServiceError(name, detail, headers);
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
