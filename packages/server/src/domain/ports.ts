/**
 * The ports: everything the domain needs from storage, each contract owned by
 * the part of the domain that uses it (directory, tokens, qr-login,
 * web-sessions, rate-limit) and gathered here for the adapters (storage/*)
 * and the composition root (runtime.ts). The domain imports no adapter; the
 * adapters import this. One conformance suite (test/support/conformance)
 * tells whether an adapter keeps these contracts.
 */
import type { DirectoryStore } from './directory/ports.js';
import type { OidcArtifactStore } from './oidc/ports.js';
import type { AuditStore, QrSessionStore, SessionEvents } from './qr-login/ports.js';
import type { CounterStore } from './rate-limit.js';
import type { KeyStore } from './tokens/ports.js';
import type { WebSessionStore } from './web-sessions/ports.js';

export * from './directory/ports.js';
export { ConflictError, StorageUnavailableError } from './errors.js';
export * from './oidc/ports.js';
export * from './qr-login/ports.js';
export type { StoredStatus } from './qr-login/state-machine.js';
export type { CounterState, CounterStore } from './rate-limit.js';
export * from './tokens/ports.js';
export * from './web-sessions/ports.js';

/** Everything a running service needs from storage. */
export interface Storage {
  directory: DirectoryStore;
  keys: KeyStore;
  sessions: QrSessionStore;
  counters: CounterStore;
  events: SessionEvents;
  audit: AuditStore;
  webSessions: WebSessionStore;
  /** What the OpenID provider keeps (oidc/ports.ts). */
  oidc: OidcArtifactStore;
  /** Reports whether the backends answer (for /health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
