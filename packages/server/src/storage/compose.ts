import type {
  AuditStore,
  CounterStore,
  DirectoryStore,
  KeyStore,
  OidcArtifactStore,
  QrSessionStore,
  SessionEvents,
  Storage,
  WebSessionStore,
} from '../domain/ports.js';
import { splitArtifacts } from './oidc-split.js';

/** The durable half of storage: what must survive restarts and be read by every instance. */
export interface DurableStores {
  directory: DirectoryStore;
  keys: KeyStore;
  audit: AuditStore;
  webSessions: WebSessionStore;
  /** The OpenID provider's long-lived artifacts (clients, sessions, grants, refresh tokens). */
  oidc: OidcArtifactStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The hot half: short-lived, high-churn state and the fan-out of its changes. */
export interface HotStores {
  sessions: QrSessionStore;
  counters: CounterStore;
  events: SessionEvents;
  /** The OpenID provider's short-lived artifacts (codes, access tokens, interactions). */
  oidc: OidcArtifactStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One `Storage` from a durable and a hot backend (PostgreSQL + Redis in a cluster). */
export function composeStorage(durable: DurableStores, hot: HotStores): Storage {
  return {
    directory: durable.directory,
    keys: durable.keys,
    audit: durable.audit,
    webSessions: durable.webSessions,
    sessions: hot.sessions,
    counters: hot.counters,
    events: hot.events,
    // One backend may serve both halves (the embedded file): then there is nothing to split.
    oidc: durable.oidc === hot.oidc ? durable.oidc : splitArtifacts(durable.oidc, hot.oidc),
    async ping() {
      await Promise.all([durable.ping(), hot.ping()]);
    },
    async close() {
      await Promise.allSettled([hot.close(), durable.close()]);
    },
  };
}
