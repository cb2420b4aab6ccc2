import type {
  AppSessionStore,
  AuditStore,
  CounterStore,
  DirectoryStore,
  KeyStore,
  QrSessionStore,
  SessionEvents,
  Storage,
  WebSessionStore,
} from '../domain/ports.js';

/** The durable half of storage: what must survive restarts and be read by every instance. */
export interface DurableStores {
  directory: DirectoryStore;
  keys: KeyStore;
  audit: AuditStore;
  webSessions: WebSessionStore;
  appSessions: AppSessionStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The hot half: short-lived, high-churn state and the fan-out of its changes. */
export interface HotStores {
  sessions: QrSessionStore;
  counters: CounterStore;
  events: SessionEvents;
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
    appSessions: durable.appSessions,
    sessions: hot.sessions,
    counters: hot.counters,
    events: hot.events,
    async ping() {
      await Promise.all([durable.ping(), hot.ping()]);
    },
    async close() {
      await Promise.allSettled([hot.close(), durable.close()]);
    },
  };
}
