import { asScanloginError, ScanloginError } from './errors.js';
import { statusDispatcher } from './status.js';
import { type HttpClient, STEP_UP_AWARE } from './transport/http.js';
import type {
  ExchangedUser,
  GeneCodeOptions,
  GeneCodeResult,
  PollingTimer,
  QrCodeStatus,
  RotateCodeResult,
  ScanningHandle,
  StartPollingOptions,
  StartScanningOptions,
} from './types.js';
import { Scanning } from './widget/scanning.js';

/** What `stopPolling` accepts: a timer, the promise `startPolling` returns, or a scanning handle. */
export type Stoppable = PollingTimer | Promise<PollingTimer> | ScanningHandle | null | undefined;

/**
 * `client.qrcode`: Authing's QR login module, same names and semantics, with
 * `startScanning` drawing the code itself and waiting by push.
 */
export class QrCodeAuthenticationClient {
  readonly #http: HttpClient;
  readonly #lang: () => string;
  readonly #pollers = new Set<PollingTimer>();
  readonly #widgets = new Set<Scanning>();

  /** @internal Created by {@link AuthenticationClient}. */
  constructor(
    http: HttpClient,
    lang: () => string,
    private readonly scene = 'APP_AUTH',
  ) {
    this.#http = http;
    this.#lang = lang;
  }

  /**
   * Generates a code. `payload` is the exact text to put in the QR code;
   * `url` an image of it.
   */
  async geneCode(options: GeneCodeOptions = {}): Promise<GeneCodeResult> {
    const { context, customData, extIdpConnId, withCustomData, rotate } = options;
    const data = await this.#http.request<GeneCodeResult>('POST', '/api/v2/qrcode/gene', {
      body: {
        autoMergeQrCode: false,
        scene: this.scene,
        context,
        params: customData,
        extIdpConnId,
        withCustomData,
        // Only when asked: Authing's body stays exactly theirs otherwise.
        rotate: rotate || undefined,
      },
    });
    if (typeof data.binding === 'string') this.#http.keepBinding(data.random, data.binding);
    return data;
  }

  /**
   * Ours: a new public id for a code generated with `rotate` (call it before
   * `rotatesIn` runs out, from the browser that generated the code). Resolves
   * to the same code with the new `payload` to draw and the next `rotatesIn`;
   * the old picture stops working at once. Only a waiting code rotates: after
   * a scan this fails with 2243 (QR_WRONG_STATE), after expiry with 2242.
   */
  rotateCode(random: string): Promise<RotateCodeResult> {
    const binding = this.#http.bindingFor(random);
    return this.#http.request('POST', '/api/v2/qrcode/rotate', { body: { random }, binding });
  }

  /**
   * The current status of a code: `{random, status, ticket, userInfo, ...}`.
   * Step-up shows as status 4 with `scannedResult` (we ask for it: 4 is not
   * final here); authing-js-sdk is shown 1 instead.
   */
  async checkStatus(random: string): Promise<QrCodeStatus> {
    const path = `/api/v2/qrcode/check?random=${encodeURIComponent(random)}&${STEP_UP_AWARE}`;
    const data = await this.#http.request<QrCodeStatus>('GET', path, {
      binding: this.#http.bindingFor(random),
    });
    this.#http.noteStatus(data);
    return data;
  }

  /**
   * Redeems a ticket for the full user (with `token`). Works from the browser
   * only if the app allows it (`allowExchangeUserInfoFromBrowser`); otherwise
   * redeem the ticket on your server with the app secret.
   */
  exchangeUserInfo(ticket: string): Promise<ExchangedUser> {
    const binding = this.#http.bindingFor(ticket);
    return this.#http.request('POST', '/api/v2/qrcode/userinfo', { body: { ticket }, binding });
  }

  /**
   * Polls a code's status every `interval` ms (default 800; the first check one
   * interval after the start) and calls the callbacks; stops after a final
   * status, or after a failed check (calling `onError`). Resolves to the
   * timer, which `stopPolling` or `clearInterval` stops.
   *
   * Unlike authing-js-sdk, checks never overlap (a slow answer makes the next
   * tick skip) and no callback fires once the polling was stopped.
   */
  async startPolling(random: string, options: StartPollingOptions = {}): Promise<PollingTimer> {
    const { interval = 800, onStart, onError } = options;
    let started = false;
    let busy = false;
    const stop = () => {
      clearInterval(timer);
      this.#pollers.delete(timer);
    };
    const dispatch = statusDispatcher({
      ...options,
      // Status 5: the code the service names (2101, the app was deleted; ...), as a thrown error would carry.
      onFailed: (code, message) => onError?.(new ScanloginError(code, message, null, 200)),
    });
    const timer: PollingTimer = setInterval(async () => {
      if (!started) {
        started = true;
        onStart?.(timer);
      }
      if (busy) return;
      busy = true;
      try {
        const data = await this.checkStatus(random);
        if (this.#pollers.has(timer) && dispatch(data)) stop();
      } catch (e) {
        if (!this.#pollers.has(timer)) return;
        stop();
        onError?.(asScanloginError(e));
      } finally {
        busy = false;
      }
    }, interval);
    this.#pollers.add(timer);
    return timer;
  }

  /**
   * Stops what `startPolling` started (its timer, or the promise of it), or a
   * `startScanning` widget's waiting (the handle given to `onStart`).
   */
  async stopPolling(timer: Stoppable): Promise<void> {
    if (timer && typeof (timer as ScanningHandle).stop === 'function') {
      (timer as ScanningHandle).stop();
      return;
    }
    // Authing's startPolling is async: code that forgot to await passes the promise.
    const t = await timer;
    if (t === null || t === undefined) return;
    clearInterval(t as PollingTimer);
    this.#pollers.delete(t as PollingTimer);
  }

  /**
   * Draws a QR code in the element with id `domId` (or in a centred box
   * mounted for it) and walks it through the login: scanned (with the
   * user's avatar and name), success, cancelled (a fresh code), expired (a
   * refresh button), network trouble (retries with backoff). Waits by
   * Server-Sent Events, else long-poll, else polling. Unless `rotate: false`,
   * the code's public id rotates while it waits, redrawn in place.
   *
   * Resolves, at once, to a handle that can stop or remove the widget.
   */
  async startScanning(domId: string, options: StartScanningOptions = {}): Promise<ScanningHandle> {
    const widget = new Scanning(
      {
        http: this.#http,
        lang: this.#lang(),
        geneCode: (o) => this.geneCode(o),
        rotateCode: (r) => this.rotateCode(r),
        exchangeUserInfo: (t) => this.exchangeUserInfo(t),
      },
      domId,
      options,
      (w) => this.#widgets.delete(w),
    );
    this.#widgets.add(widget);
    return widget;
  }

  /** Stops every polling and removes every widget this client started. */
  destroy(): void {
    for (const t of this.#pollers) clearInterval(t);
    this.#pollers.clear();
    for (const w of [...this.#widgets]) w.destroy();
  }
}
