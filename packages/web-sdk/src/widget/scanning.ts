import { QrStatus } from '@scanlogin/protocol';
import { asScanloginError } from '../errors.js';
import { resolveTips, sdkMessages, type Tips, tipsLang } from '../i18n.js';
import { encodeToFit, renderQrSvg } from '../qr/render.js';
import { statusDispatcher } from '../status.js';
import type { HttpClient } from '../transport/http.js';
import { backoffDelay, type Watch, watchStatus } from '../transport/watch.js';
import type {
  ExchangedUser,
  GeneCodeOptions,
  GeneCodeResult,
  QrUserInfo,
  RotateCodeResult,
  ScanningHandle,
  StartScanningOptions,
  WatchMode,
} from '../types.js';
import { type Rotation, startRotation } from './rotation.js';
import { mountBox, ScanView } from './view.js';

/** What the widget needs from the client. */
export interface ScanningDeps {
  http: HttpClient;
  lang: string;
  geneCode(options: GeneCodeOptions): Promise<GeneCodeResult>;
  rotateCode(random: string): Promise<RotateCodeResult>;
  exchangeUserInfo(ticket: string): Promise<ExchangedUser>;
}

const DEFAULT_MODES: readonly WatchMode[] = ['sse', 'long-poll', 'polling'];
/** With `autoRefresh`, a code is renewed this long before it expires (at most a quarter of its life). */
const RENEW_BEFORE_S = 10;

/** The widget running on each element, so that starting twice on one element replaces, not stacks. */
const running = new WeakMap<Element, Scanning>();

/** The id a code's QR text carries (its `random` field): the public id of a rotating code. */
function publicIdOf(code: RotateCodeResult): string {
  try {
    return JSON.parse(code.payload).random ?? code.random;
  } catch {
    return code.random; // no payload (an old service): the picture is of the random itself
  }
}

/**
 * One `startScanning` widget: fetches a code, draws it, waits for the phone,
 * and walks the view through the states. Each code is a "generation"; async
 * results of a superseded generation are dropped, so a late answer about an
 * old code can never change what is shown for the new one.
 *
 * A rotation is not a new generation: the code (its `random`, status stream,
 * timers and callbacks) stays; only the picture is redrawn in place.
 */
export class Scanning implements ScanningHandle {
  readonly #deps: ScanningDeps;
  readonly #o: StartScanningOptions;
  readonly #tips: Tips;
  readonly #view: ScanView;
  readonly #mount: HTMLElement;
  readonly #ownMount: boolean;
  readonly #onGone: (s: Scanning) => void;
  #watch: Watch | null = null;
  #rotation: Rotation | null = null;
  #random: string | null = null;
  #publicId: string | null = null;
  #checkCode: number | null = null;
  #status: number | null = null;
  #gen = 0;
  #geneFailures = 0;
  #troubleReported = false;
  #destroyed = false;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #onVisibility = () => {
    if (!this.#visible()) return;
    if (this.#o.autoRefresh && this.#status === QrStatus.Expired) this.refresh();
    // Timers of a hidden page are throttled and its rotations wait: catch up before anyone scans.
    else this.#rotation?.wake();
  };

  constructor(
    deps: ScanningDeps,
    domId: string,
    options: StartScanningOptions,
    onGone: (s: Scanning) => void,
  ) {
    this.#deps = deps;
    this.#o = options;
    this.#onGone = onGone;
    this.#tips = resolveTips(deps.lang, options.tips);
    let existing = document.getElementById(domId);
    const previous = existing && running.get(existing);
    if (previous) {
      // Starting again on the same element replaces the widget there (and the box it
      // may have mounted, so look the id up again).
      previous.destroy();
      existing = document.getElementById(domId);
    }
    this.#ownMount = !existing;
    this.#mount = existing ?? mountBox(document, domId, options.containerSize ?? { width: 300, height: 300 });
    running.set(this.#mount, this);
    this.#view = new ScanView(
      this.#mount,
      options.size ?? { width: 240, height: 240 },
      this.#tips,
      {
        refresh: () => this.refresh(),
        retry: () => {
          this.#o.onRetry?.();
          this.refresh();
        },
        retryNow: () => this.#watch?.retryNow(),
      },
      sdkMessages(deps.lang),
    );
    // Screen readers read the widget in its own language, whatever the page around it is in.
    this.#view.root.lang = tipsLang(deps.lang);
    document.addEventListener('visibilitychange', this.#onVisibility);
    void this.#start();
  }

  get random(): string | null {
    return this.#random;
  }

  get publicId(): string | null {
    return this.#publicId;
  }

  get transport(): WatchMode | null {
    return this.#watch?.mode ?? null;
  }

  get checkCode(): number | null {
    return this.#checkCode;
  }

  get element(): HTMLElement {
    return this.#view.root;
  }

  refresh(): void {
    if (this.#destroyed) return;
    this.#geneFailures = 0;
    void this.#start();
  }

  stop(): void {
    this.#gen++;
    this.#watch?.stop();
    this.#rotation?.stop();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.stop();
    this.#retire();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#view.destroy();
    if (this.#ownMount) this.#mount.remove();
    if (running.get(this.#mount) === this) running.delete(this.#mount);
    this.#onGone(this);
  }

  #later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #visible(): boolean {
    return document.visibilityState !== 'hidden';
  }

  /** Drops the current code: its watch stops and `onCodeDestroyed` tells the page. */
  #retire(): void {
    this.#watch?.stop();
    this.#watch = null;
    const old = this.#random;
    this.#random = this.#publicId = null;
    this.#checkCode = null;
    this.#status = null;
    if (old !== null) this.#o.onCodeDestroyed?.(old);
  }

  /** A fresh code. `tip` replaces the usual title under it; `quiet` keeps the view during auto-retries. */
  async #start(tip?: string, quiet = false): Promise<void> {
    this.stop();
    const gen = this.#gen;
    this.#retire();
    if (!quiet) this.#view.loading();
    const o = this.#o;
    let code: GeneCodeResult;
    try {
      code = await this.#deps.geneCode({
        context: o.context,
        customData: o.customData,
        extIdpConnId: o.extIdpConnId,
        withCustomData: o.withCustomData,
        rotate: o.rotate !== false,
      });
    } catch (e) {
      if (gen !== this.#gen) return;
      const error = asScanloginError(e);
      this.#view.failed(error.message);
      this.#geneFailures++;
      // A failure that retrying may fix is retried with backoff; only the first of a streak is reported.
      if (!error.transient || this.#geneFailures === 1) o.onCodeLoadFailed?.(error.message);
      if (error.transient) this.#later(() => void this.#start(tip, true), backoffDelay(this.#geneFailures));
      return;
    }
    if (gen !== this.#gen) return;
    this.#geneFailures = 0;
    this.#random = code.random;
    this.#publicId = publicIdOf(code);
    this.#checkCode = typeof code.checkCode === 'number' ? code.checkCode : null;
    this.#status = QrStatus.Pending;
    o.onCodeLoaded?.(code.random, code.url);
    this.#view.code(this.#draw(code), tip);
    o.onCodeShow?.(code.random, code.url);
    if (gen !== this.#gen) return; // the page's callback moved on (stop, refresh or destroy)
    // Before the watch: its onStart may stop the widget, which must stop the rotation too.
    this.#rotation = startRotation(code.rotatesIn, {
      rotate: () => this.#deps.rotateCode(code.random),
      onRotated: (next) => {
        // In place, in one task: the browser never paints a frame without a code.
        this.#view.redraw(this.#draw(next));
        this.#publicId = publicIdOf(next);
        o.onCodeRotate?.(code.random, this.#publicId);
      },
      // One check lets the status path show it like any expiry: onExpired, the refresh button.
      onExpired: () => this.#watch?.check(),
      onFailed: (error) => {
        // A picture that can no longer rotate soon stops working: offer a fresh code instead.
        this.stop();
        this.#view.failed(error.message);
        o.onError?.(error.message);
      },
      visible: () => this.#visible(),
    });
    this.#watchCode(code, gen);
    const life = code.expiresIn;
    if (o.autoRefresh && life > 0) {
      this.#later(
        () => {
          if (gen === this.#gen && this.#status === QrStatus.Pending && this.#visible()) void this.#start();
        },
        (life - Math.min(RENEW_BEFORE_S, life / 4)) * 1000,
      );
    }
  }

  /** The code as an <svg> drawn from `payload`; an <img> of `url` from a server that sends no payload. */
  #draw(code: RotateCodeResult): Element {
    const { width, height } = this.#o.size ?? { width: 240, height: 240 };
    if (code.payload) {
      try {
        const symbol = encodeToFit(code.payload, Math.min(width, height));
        return renderQrSvg(document, symbol, width, height, this.#tips.codeLabel);
      } catch {
        // Too long for a QR code: fall back to the server's image below.
      }
    }
    const img = document.createElement('img');
    img.src = code.url;
    img.width = width;
    img.height = height;
    img.alt = this.#tips.codeLabel;
    img.style.display = 'block';
    return img;
  }

  #watchCode(code: GeneCodeResult, gen: number): void {
    const o = this.#o;
    const view = this.#view;
    const current = () => gen === this.#gen;
    const fail = (message: string, title?: string) => {
      this.#rotation?.stop();
      view.failed(message, title);
      o.onError?.(message);
    };
    const dispatch = statusDispatcher({
      onResult: o.onResult,
      onScanned: o.onScanned,
      onSuccess: (userInfo, ticket) => this.#succeed(userInfo, ticket, gen),
      onCancel: () => {
        o.onCancel?.();
        // Authing's widget answers a cancel with a fresh code at once.
        void this.#start(this.#tips.canceled);
      },
      onExpired: () => {
        view.expired();
        o.onExpired?.();
      },
      onMfa: o.onMfa,
      onAuthFlow: o.onAuthFlow,
      // Status 5: the service stopped this login (its app deleted, the scanner blocked...).
      onFailed: (_code, message) => fail(message, this.#tips.stopped),
    });
    this.#watch = watchStatus({
      http: this.#deps.http,
      random: code.random,
      interval: o.interval ?? 800,
      modes: o.transports?.length ? o.transports : DEFAULT_MODES,
      expiresIn: code.expiresIn,
      onUpdate: (data) => {
        if (!current()) return;
        const before = this.#status;
        this.#status = data.status;
        // Only a waiting code rotates; a scanned one keeps its id until it is decided.
        if (data.status !== QrStatus.Pending) this.#rotation?.stop();
        this.#troubleReported = false;
        view.recovered();
        // Scanned and step-up are drawn on each entry (4 → 1 happens); callbacks fire as Authing's do.
        if (data.status !== before && (data.status === QrStatus.Scanned || data.status === QrStatus.StepUp)) {
          view.scanned((data.userInfo ?? {}) as QrUserInfo, this.#checkCode, data.status === QrStatus.StepUp);
        }
        dispatch(data);
      },
      onTrouble: (error) => {
        if (!current()) return;
        view.trouble();
        if (!this.#troubleReported) {
          this.#troubleReported = true;
          o.onError?.(error.message);
        }
      },
      onFatal: (error) => {
        if (current()) fail(error.message);
      },
      onMode: (mode) => view.transport(mode),
    });
    o.onStart?.(this);
  }

  #succeed(userInfo: QrUserInfo, ticket: string, gen: number): void {
    const o = this.#o;
    for (const t of this.#timers) clearTimeout(t); // no renewal of a code that did its job
    this.#timers.clear();
    this.#view.success();
    if (!o.onSuccess) return;
    // Statuses carry only nickname and photo unless the app returns full users; then there is a token.
    if (!o.autoExchangeUserInfo || userInfo['token']) {
      o.onSuccess(userInfo, ticket);
      return;
    }
    this.#deps.exchangeUserInfo(ticket).then(
      (user) => {
        if (gen === this.#gen) o.onSuccess?.(user as QrUserInfo, ticket);
      },
      (e) => {
        if (gen !== this.#gen) return;
        const { message } = asScanloginError(e);
        this.#view.failed(message);
        o.onError?.(message);
      },
    );
  }
}
