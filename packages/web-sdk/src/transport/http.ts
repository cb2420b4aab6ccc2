import { type Envelope, STEP_UP_AWARE_PARAM } from '@scanlogin/protocol';
import { NETWORK_ERROR, ScanloginError } from '../errors.js';
import { pageLang, sdkMessages } from '../i18n.js';

/**
 * Sent with every status read (check, long-poll, event stream): we keep
 * waiting through status 4, so the service shows it to us (see `isFinalStatus`);
 * pages that do not say so see status 1 while the phone proves more.
 */
export const STEP_UP_AWARE = `${STEP_UP_AWARE_PARAM}=1`;

/** Request header carrying the browser binding; see {@link HttpClient.binding}. */
export const BINDING_HEADER = 'x-scanlogin-binding';

/** What the HTTP layer needs to know of the client's options. */
export interface HttpSettings {
  appId: string;
  /** Base URL of the service, no trailing slash; '' for the page's own origin. */
  appHost: string;
  /** The client's `lang` (sent as given, as authing-js-sdk does); null: the page's, at each request. */
  lang: string | null;
  userPoolId?: string;
  tenantId?: string;
}

/** Per-request options of {@link HttpClient.request}. */
export interface RequestOptions {
  body?: unknown;
  /** Aborts the request (destroying a widget aborts its long-polls). */
  signal?: AbortSignal;
  /** The binding of the code the request is about, sent as `x-scanlogin-binding`. */
  binding?: string | undefined;
}

/** Bindings kept per client: far more codes than one page shows at once. */
const MAX_BINDINGS = 64;

/**
 * Authing's request conventions on `fetch`: their headers, JSON bodies,
 * cookies sent cross-origin (`credentials: 'include'`, like axios's
 * `withCredentials`), and the `{code, message, data}` envelope unwrapped:
 * `data` when `code === 200`, a {@link ScanloginError} otherwise.
 */
export class HttpClient {
  /**
   * The browser bindings: a secret the service mints for each code (one per
   * code, never reused) so that only the browser that asked for it sees its
   * ticket, redeems it and rotates it. The service also sets it as an
   * HttpOnly cookie, which is all authing-js-sdk has; sending it ourselves as
   * `x-scanlogin-binding` keeps the binding working where third-party cookies
   * are blocked. Learned from `gene` answers, kept by the code's `random` and
   * by the tickets its status answers carry.
   */
  readonly #bindings = new Map<string, string>();

  constructor(readonly settings: HttpSettings) {}

  /** The binding of the code with this `random`, or of the code this ticket came from. */
  bindingFor(randomOrTicket: string): string | undefined {
    return this.#bindings.get(randomOrTicket);
  }

  /** Remembers the binding `gene` answered for code `random`. */
  keepBinding(random: string, binding: string): void {
    this.#bindings.delete(random);
    this.#bindings.set(random, binding);
    // Oldest first: a Map iterates in insertion order.
    for (const key of this.#bindings.keys()) {
      if (this.#bindings.size <= MAX_BINDINGS) break;
      this.#bindings.delete(key);
    }
  }

  /** A status answer with a ticket: the ticket is redeemed with its code's binding. */
  noteStatus(data: { random?: string; ticket?: string | null }): void {
    const binding = data.random === undefined ? undefined : this.#bindings.get(data.random);
    if (binding && data.ticket) this.keepBinding(data.ticket, binding);
  }

  /**
   * The language of requests and widgets: the client's `lang`, else the
   * page's (read each time, so a page that switches its language is followed).
   */
  lang(): string {
    return this.settings.lang ?? pageLang();
  }

  /** The absolute URL of `path` on the service. */
  url(path: string): string {
    return this.settings.appHost + path;
  }

  headers(): Record<string, string> {
    const s = this.settings;
    const h: Record<string, string> = {
      accept: 'application/json',
      'x-authing-app-id': s.appId,
      'x-authing-request-from': 'sdk',
      'x-authing-lang': this.lang(),
    };
    if (s.userPoolId) h['x-authing-userpool-id'] = s.userPoolId;
    if (s.tenantId) h['x-authing-app-tenant-id'] = s.tenantId;
    return h;
  }

  async request<T>(method: 'GET' | 'POST', path: string, opts: RequestOptions = {}): Promise<T> {
    const headers = this.headers();
    if (opts.binding) headers[BINDING_HEADER] = opts.binding;
    const init: RequestInit = { method, headers, credentials: 'include', cache: 'no-store' };
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    if (opts.signal) init.signal = opts.signal;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url(path), init);
      text = await res.text();
    } catch (e) {
      if (opts.signal?.aborted) throw e; // the caller's own abort is not a network fault
      // The browser's reason ("Failed to fetch") is in the browser's words, and says no more than ours.
      throw new ScanloginError(NETWORK_ERROR, sdkMessages(this.lang()).unreachable);
    }
    let envelope: Partial<Envelope<T>> & { statusCode?: number };
    try {
      envelope = JSON.parse(text);
    } catch {
      throw new ScanloginError(NETWORK_ERROR, sdkMessages(this.lang()).notJson(res.status), null, res.status);
    }
    // authing-js-sdk also accepts `statusCode` in place of `code`.
    if (envelope.code === 200 || (envelope.code === undefined && envelope.statusCode === 200)) {
      return envelope.data as T;
    }
    throw new ScanloginError(
      envelope.code ?? envelope.statusCode ?? res.status,
      envelope.message ?? `HTTP ${res.status}`,
      envelope.data ?? null,
      res.status,
    );
  }
}
