import { randomInt } from 'node:crypto';
import {
  appendQrSignature,
  ErrorCodes,
  type ErrorName,
  errorMessage,
  errorNameOf,
  formatQrPayload,
  type Lang,
  type PageContextView,
  QrStatus,
} from '@scanlogin/protocol';
import type { Clock } from '../clock.js';
import { type DirectoryChange, type DirectoryService, safeEqual } from '../directory/service.js';
import { type UserWithTokenView, userView } from '../directory/views.js';
import { fail } from '../errors.js';
import { type CountryLookup, locateIp, type Proximity, proximity } from '../geo.js';
import { newObjectId, newQrRandom, newTicket } from '../ids.js';
import { detail, statusWords, words } from '../messages.js';
import type {
  AppRecord,
  AuditRecord,
  AuditStore,
  OpenCodesScope,
  PoolRecord,
  ProximityPolicy,
  QrLoginOutcome,
  QrSessionRecord,
  QrSessionStore,
  RequestContext,
  SessionEvents,
  SweepResult,
  UserRecord,
} from '../ports.js';
import type { TokenService } from '../tokens/tokens.js';
import type { WebSessionService } from '../web-sessions/service.js';
import { describePageContext, MAX_PAGE_CONTEXT_BYTES } from './page-context.js';
import { describeRequest, type RequestDescription } from './request-description.js';
import {
  effectiveStatus,
  type Guard,
  isOpen,
  type QrAction,
  type StoredStatus,
  Transitions,
} from './state-machine.js';
import { SessionWatch } from './watch.js';

/** What `check` (and the push stream) tells the waiting page. */
export interface CheckView {
  random: string;
  status: QrStatus;
  ticket: string | null;
  userInfo:
    | { nickname: string | null; photo: string | null; customData?: Record<string, unknown> }
    | UserWithTokenView
    | null;
  expiresIn: number;
  /** Orders changes of one code; the SSE event id and the long-poll cursor. */
  seq: number;
  /**
   * At status 4: why the phone must prove more (authing-js-sdk hands this to
   * `onMfa`). At status 5: what stopped the login, also as `errmsg`, where
   * authing-js-sdk reads it for `onError`.
   */
  scannedResult?: { code: number; message: string; errmsg?: { code: number; message: string } };
}

/** What the phone's confirm screen shows about the request (readable by the scanner only). */
export interface RequestContextView {
  random: string;
  app: { id: string; name: string; logo: string | null };
  origin: string | null;
  ip: string;
  /** Coarse place of the IP, when a GeoIP database is available; null otherwise. */
  place: string | null;
  browser: string | null;
  os: string | null;
  /** Browser and OS come from the User-Agent header: claimed, not verified. */
  reportedByBrowser: true;
  createdAt: string;
  expiresAt: string;
  /** How near the phone seems to the browser, and what the pool does about a mismatch. */
  proximity: { verdict: Proximity; phonePlace: string | null; mismatch: boolean; policy: ProximityPolicy };
  /** With a check code: three numbers, one of them on the page; the user must pick it. */
  checkCodeChoices: number[] | null;
  /** The page's own `context`, as bounded visible text; never trusted, never merged into the above. */
  pageContext: PageContextView | null;
}

export interface ActionResult {
  random: string;
  status: QrStatus;
  description: string;
}

/** One of the user's recent QR logins, for the app's history screen and the admin audit view. */
export interface AuditView extends RequestDescription {
  id: string;
  at: string;
  outcome: QrLoginOutcome;
  random: string;
  userId: string;
  app: { id: string; name: string };
  deviceIp: string | null;
}

/** Who acts on a code from the phone, and from where. */
export interface Actor {
  user: UserRecord;
  ip?: string | null;
  /** The app session of the token that acts: an approval stands only while it is live. */
  sessionId?: string | null;
}

/** Whether an app session is still live (AppSessionService): an approval stands only while its approver's does. */
export interface ApproverSessions {
  isLive(sessionId: string): Promise<boolean>;
}

export interface GenerateInput {
  app: AppRecord;
  customData?: Record<string, unknown> | null;
  /** Return `customData` with the user once approved (`check` to the bound browser, the exchange). */
  withCustomData?: boolean;
  /** The page's `context`: kept with the code and shown to the scanner as the page's own words. */
  pageContext?: Record<string, unknown> | null;
  requestContext?: RequestContext | null;
  /** SHA-256 (hex) of the binding secret minted for this code alone (see `BindingProof`). */
  bindingHash?: string | null;
  /** The page will rotate the code's public id on the pool's schedule (see `rotate`). */
  rotate?: boolean;
}

/** A code as the page shows it. */
export interface IssuedCode {
  session: QrSessionRecord;
  /** The text of the QR code (signed). */
  payload: string;
  /** Seconds until the page must rotate the public id; null when it does not rotate. */
  rotatesIn: number | null;
}

/** How a QR login ended, as the service counts it: the audited outcomes, and codes that ran out. */
export type QrLoginEnd = QrLoginOutcome | 'expired';

/**
 * Told how QR logins end as they end here (metrics): an approval or refusal
 * where the phone's call landed, a redemption where the website's did, and
 * codes that expired undecided where the sweep found them. Summed over the
 * instances, each login is counted once. Must not throw.
 */
export type QrLoginListener = (end: QrLoginEnd, count: number) => void;

/** The biggest customData we put into a QR code (bytes of JSON): keeps codes scannable. */
export const MAX_CUSTOM_DATA_BYTES = 512;

/**
 * The QR login use cases. No HTTP and no SQL here: callers pass decoded
 * inputs, storage sits behind the contracts, time comes from the clock.
 */
export class QrLoginService {
  readonly #listeners = new Set<QrLoginListener>();

  constructor(
    private readonly sessions: QrSessionStore,
    private readonly events: SessionEvents,
    private readonly audit: AuditStore,
    private readonly directory: DirectoryService,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly webSessions: WebSessionService,
    private readonly approvers: ApproverSessions,
    private readonly geo: CountryLookup | null = null,
  ) {}

  /** Calls `listener` at each end of a QR login from now on; the result stops that. */
  onEnd(listener: QrLoginListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #ended(end: QrLoginEnd, count = 1): void {
    if (count > 0) for (const listener of this.#listeners) listener(end, count);
  }

  async generate(input: GenerateInput): Promise<IssuedCode> {
    const { app } = input;
    const pool = await this.directory.requirePool(app.poolId);
    const customData = input.customData ?? null;
    if (customData && Buffer.byteLength(JSON.stringify(customData)) > MAX_CUSTOM_DATA_BYTES) {
      fail('INVALID_REQUEST', detail('customDataTooLarge', { max: MAX_CUSTOM_DATA_BYTES }));
    }
    const pageContext = input.pageContext && Object.keys(input.pageContext).length ? input.pageContext : null;
    if (pageContext && Buffer.byteLength(JSON.stringify(pageContext)) > MAX_PAGE_CONTEXT_BYTES) {
      fail('INVALID_REQUEST', detail('pageContextTooLarge', { max: MAX_PAGE_CONTEXT_BYTES }));
    }
    const now = this.clock.now();
    const expiresAt = now + app.qr.qrcodeExpiresAfter * 1000;
    const rotateMs = input.rotate ? pool.security.rotateQrEvery * 1000 : 0;
    const random = newQrRandom();
    const session: QrSessionRecord = {
      random,
      // A rotating code never shows its key: the page keeps `random`, the QR carries a public id.
      publicId: rotateMs > 0 ? newQrRandom() : random,
      publicIdExpiresAt: rotateMs > 0 ? Math.min(expiresAt, now + rotateMs) : null,
      appId: app.id,
      poolId: app.poolId,
      status: QrStatus.Pending,
      createdAt: now,
      expiresAt,
      customData,
      withCustomData: input.withCustomData === true,
      pageContext,
      errorCode: null,
      userId: null,
      ticket: null,
      ticketExpiresAt: null,
      ticketUsed: false,
      seq: 0,
      requestContext: input.requestContext ?? null,
      ...checkCodeFor(pool),
      bindingHash: pool.security.requireBinding ? (input.bindingHash ?? null) : null,
      approverSessionId: null,
    };
    await this.sessions.createSession(session);
    // The app may have been deleted since it was read: then its deletion may have listed the open
    // codes before this one existed. Read again (from the cache this instance's deletion clears),
    // so one of the two sees the other, and stop the code rather than leave it waiting.
    if (!(await this.directory.getApp(app.id))) {
      await this.#stopCode(session.random, 'APP_NOT_FOUND', null);
      fail('APP_NOT_FOUND');
    }
    return this.#issued(session);
  }

  /**
   * Gives a waiting code a new public id (the page calls this on the
   * schedule `generate` announced): the old id stops working at once, the
   * session behind it lives on. Only the browser that asked may rotate.
   */
  async rotate(
    random: string,
    proof: BindingProof,
    /** Runs once the caller proved the binding (the rotation budget: only its holder spends it). */
    admit: () => Promise<void> = async () => {},
  ): Promise<IssuedCode> {
    const current = await this.requireSession(random);
    if (!isBound(current, proof)) fail('BINDING_MISMATCH', detail('rotateByRequesterOnly'));
    await admit();
    if (current.publicIdExpiresAt === null) fail('QR_WRONG_STATE', detail('notRotating'));
    const pool = await this.directory.requirePool(current.poolId);
    const now = this.clock.now();
    const periodMs = pool.security.rotateQrEvery * 1000 || current.expiresAt - now;
    const next = await this.sessions.rotatePublicId(random, {
      publicId: newQrRandom(),
      publicIdExpiresAt: Math.min(current.expiresAt, now + periodMs),
      now,
    });
    if (next) return this.#issued(next);
    const latest = await this.requireSession(random);
    const status = effectiveStatus(latest.status, latest.expiresAt, now);
    if (status === QrStatus.Expired) return fail('QR_EXPIRED');
    return fail('QR_WRONG_STATE', detail('onlyWaitingRotates', { status }));
  }

  #issued(session: QrSessionRecord): IssuedCode {
    const rotatesAt = session.publicIdExpiresAt;
    const rotatesIn =
      rotatesAt === null || rotatesAt >= session.expiresAt
        ? null
        : Math.max(0, Math.floor((rotatesAt - this.clock.now()) / 1000));
    return { session, payload: this.payloadOf(session), rotatesIn };
  }

  /**
   * The QR text: Authing's JSON for the current public id, with a signature
   * (`sig`) over all of it that the app checks before its confirm screen. The
   * payload's expiry is the public id's, so apps also refuse a rotated-away code.
   */
  payloadOf(s: QrSessionRecord): string {
    const expiresAt = s.publicIdExpiresAt ?? s.expiresAt;
    const unsignedPayload = formatQrPayload({
      random: s.publicId,
      userPoolId: s.poolId,
      createdAt: s.createdAt,
      expiresAt,
      customData: s.customData,
    });
    const sig = this.tokens.signQrCode({
      publicId: s.publicId,
      poolId: s.poolId,
      expiresAt,
      unsignedPayload,
    });
    return appendQrSignature(unsignedPayload, sig);
  }

  /**
   * The QR text behind a picture's public id (the image URL names nothing
   * else): a rotated-away id no longer resolves, and a picture the page
   * stopped rotating is refused once its period is over, so a relayed
   * image goes stale like a relayed screenshot.
   */
  async pictureOf(publicId: string): Promise<string> {
    const s = await this.#requirePublic(publicId);
    const now = this.clock.now();
    if (s.status !== QrStatus.Pending || s.expiresAt <= now) fail('QR_EXPIRED');
    if (s.publicIdExpiresAt !== null && s.publicIdExpiresAt <= now) fail('QR_CODE_REPLACED');
    return this.payloadOf(s);
  }

  async requireSession(random: string): Promise<QrSessionRecord> {
    return (await this.sessions.getSession(random)) ?? fail('QR_NOT_FOUND');
  }

  /** The page's view of a code. Only the scanner's nickname and photo before approval. */
  async check(random: string, proof: BindingProof = NO_PROOF, reader: Reader = {}): Promise<CheckView> {
    return this.waitingView(random) ?? this.view(await this.requireSession(random), proof, reader);
  }

  /**
   * The view of a code nothing has happened to yet, when the store knows it
   * from memory (see WaitingCodesMirror): most polls end here, with no read.
   */
  waitingView(random: string): CheckView | undefined {
    const now = this.clock.now();
    const until = this.sessions.waitingUntil?.(random, now);
    if (until === undefined) return undefined;
    const expiresIn = Math.ceil((until - now) / 1000);
    return { random, status: QrStatus.Pending, ticket: null, userInfo: null, expiresIn, seq: 0 };
  }

  /**
   * `proof` is what the reader holds of the code's binding: the ticket (and
   * a full user) is only for the browser that asked for the code. Anyone else
   * who knows the random still sees the status, never the ticket.
   */
  async view(s: QrSessionRecord, proof: BindingProof = NO_PROOF, reader: Reader = {}): Promise<CheckView> {
    const now = this.clock.now();
    const status = effectiveStatus(s.status, s.expiresAt, now);
    const expiresIn = isOpen(s.status) ? Math.max(0, Math.ceil((s.expiresAt - now) / 1000)) : 0;
    const base: CheckView = { random: s.random, status, ticket: null, userInfo: null, expiresIn, seq: s.seq };
    if (status === QrStatus.Error) {
      base.scannedResult = stopReport(s.errorCode);
      return base;
    }
    let user: UserRecord | null = null;
    if (isOpenStatus(status)) {
      // What the code depends on may have gone since it was made: then it stops here (status 5),
      // for whoever reads it first, and every watcher is told.
      const gone = await this.#whatIsGone(s);
      if (gone.cause) return this.view(await this.#stop(s, gone.cause), proof, reader);
      user = gone.scanner;
    }
    if (!s.userId || status === QrStatus.Expired || status === QrStatus.Cancelled) return base;
    user ??= await this.directory.getUser(s.userId);
    if (!user) return base;
    if (status === QrStatus.StepUp && reader.understandsStepUp) {
      const message = errorMessage('STEP_UP_REQUIRED', reader.lang ?? 'en-US');
      base.scannedResult = { code: ErrorCodes.STEP_UP_REQUIRED.code, message };
    } else if (status === QrStatus.StepUp) {
      // authing-js-sdk stops waiting at 4 (`onMfa`) and would never see the approval that follows
      // the phone's step-up: to such a page the code is still scanned, waiting for the user.
      base.status = QrStatus.Scanned;
    }
    if (status === QrStatus.Authorized && isBound(s, proof)) {
      // The ticket (and, with returnFullUserInfo, a token) only while it can still be redeemed:
      // the random is printed in the QR image, so a spent or stale approval must reveal nothing.
      // Nor once the phone that approved has signed out (the approval is withdrawn).
      const live =
        !s.ticketUsed &&
        s.ticketExpiresAt !== null &&
        s.ticketExpiresAt > now &&
        (await this.#approvalStands(s));
      base.ticket = live ? s.ticket : null;
      const app = live ? await this.directory.getApp(s.appId) : null;
      if (app?.qr.returnFullUserInfo && s.ticket) {
        base.userInfo = await this.#webUser(user, app, s, s.ticket);
        return base;
      }
      // The page's own custom data comes back where the ticket does, and only there.
      if (live && s.withCustomData) {
        base.userInfo = { nickname: user.nickname, photo: user.photo, customData: s.customData ?? {} };
        return base;
      }
    }
    base.userInfo = { nickname: user.nickname, photo: user.photo };
    return base;
  }

  /**
   * What an open code depends on that is gone: its application, its pool, or
   * (once scanned) its scanner, deleted or blocked. Application and pool come
   * from the directory's short cache, so a change made on another instance is
   * seen within its few seconds. Also hands back the scanner it read.
   */
  async #whatIsGone(s: QrSessionRecord): Promise<{ cause: StopCause | null; scanner: UserRecord | null }> {
    if (!(await this.directory.getApp(s.appId))) return { cause: 'APP_NOT_FOUND', scanner: null };
    if (!(await this.directory.getPool(s.poolId))) return { cause: 'POOL_NOT_FOUND', scanner: null };
    if (s.userId === null) return { cause: null, scanner: null };
    const scanner = await this.directory.getUser(s.userId);
    if (!scanner || scanner.blocked) return { cause: 'QR_SCANNER_UNAVAILABLE', scanner: null };
    return { cause: null, scanner };
  }

  /**
   * Stops an open code (status 5, `cause`) as one compare-and-set of the
   * transitions table: from any open status, and for a scanner that went
   * away, only while that scanner holds it. Returns the code as it is then
   * (stopped, or whatever won the race).
   */
  async #stop(s: QrSessionRecord, cause: StopCause): Promise<QrSessionRecord> {
    const scanner = cause === 'QR_SCANNER_UNAVAILABLE' ? s.userId : null;
    return (await this.#stopCode(s.random, cause, scanner)) ?? this.requireSession(s.random);
  }

  /** The `fail` rule as one compare-and-set; the stopped code, or null when it was no longer open. */
  async #stopCode(random: string, cause: StopCause, scanner: string | null): Promise<QrSessionRecord | null> {
    const rule = Transitions.fail;
    const next = await this.sessions.transition(random, {
      from: rule.from,
      to: rule.to,
      now: this.clock.now(),
      ...(scanner ? { expectUserId: scanner } : {}),
      set: { errorCode: ErrorCodes[cause].code },
    });
    if (next) this.events.publish(next);
    return next;
  }

  /**
   * Something open codes depend on went away in the directory: every code it
   * ends is stopped now (status 5), so pages waiting on them (polling, long-poll,
   * event stream) are told at once rather than at expiry. Codes it misses
   * (made in the same instant on another instance) stop at their next read.
   * Returns how many were stopped.
   */
  async directoryChanged(change: DirectoryChange): Promise<number> {
    const [scope, cause, scanner]: [OpenCodesScope, StopCause, string | null] =
      change.kind === 'app-deleted'
        ? [{ appId: change.appId }, 'APP_NOT_FOUND', null]
        : [{ scannerId: change.userId }, 'QR_SCANNER_UNAVAILABLE', change.userId];
    const randoms = await this.sessions.listOpen(scope, this.clock.now());
    let stopped = 0;
    for (let i = 0; i < randoms.length; i += STOP_BATCH) {
      const batch = randoms.slice(i, i + STOP_BATCH);
      const results = await Promise.all(batch.map((random) => this.#stopCode(random, cause, scanner)));
      stopped += results.filter(Boolean).length;
    }
    return stopped;
  }

  /**
   * The origin that asked for `random`, if the service has stopped that code
   * (status 5); else null. Its page may still read the reason once its
   * application, and with it the origin's CORS permission, is gone.
   */
  async stoppedCodeOrigin(random: string): Promise<string | null> {
    const s = await this.sessions.getSession(random);
    return s?.status === QrStatus.Error ? (s.requestContext?.origin ?? null) : null;
  }

  /**
   * The request's context for the confirm screen, its places named in `lang`;
   * only the user who scanned may read it.
   */
  async requestContext(
    publicId: string,
    user: UserRecord,
    phoneIp: string | null = null,
    lang: Lang = 'en-US',
  ): Promise<RequestContextView> {
    const s = await this.#sessionFor(publicId, user);
    if (s.userId === null) fail('QR_WRONG_STATE', detail('scanBeforeContext'));
    if (s.userId !== user.id) fail('QR_SCANNED_BY_OTHER');
    const app = await this.directory.getApp(s.appId);
    const pool = await this.directory.requirePool(s.poolId);
    const near = this.#proximity(s, phoneIp, lang);
    const seen = describeRequest(s.requestContext, this.geo, lang);
    return {
      random: s.publicId,
      app: { id: s.appId, name: app?.name ?? words.unknownApp[lang], logo: app?.logo ?? null },
      ...seen,
      ip: seen.ip ?? '',
      reportedByBrowser: true,
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      proximity: {
        verdict: near.verdict,
        phonePlace: near.phonePlace,
        mismatch: near.verdict === 'mismatch',
        policy: pool.security.proximityPolicy,
      },
      checkCodeChoices: s.checkChoices,
      pageContext: describePageContext(s.pageContext),
    };
  }

  #proximity(s: QrSessionRecord, phoneIp: string | null, lang: Lang = 'en-US') {
    const phone = locateIp(phoneIp, this.geo, lang);
    return { verdict: proximity(locateIp(s.requestContext?.ip, this.geo), phone), phonePlace: phone.place };
  }

  /**
   * The phone marks the code scanned. The pool's proximity policy decides on
   * a mismatch between phone and browser: `allow` and `warn` scan as usual
   * (the confirm screen warns), `step-up` moves to status 4 until the phone
   * proves more, `deny` cancels the code (the page gets a fresh one).
   */
  async scan(publicId: string, who: UserRecord | Actor): Promise<ActionResult> {
    const { user, ip } = actorOf(who);
    const current = await this.#sessionFor(publicId, user);
    const stale = current.publicIdExpiresAt !== null && current.publicIdExpiresAt <= this.clock.now();
    // A page that stopped rotating (closed, asleep) leaves an old picture behind: refuse it.
    if (stale && current.status === QrStatus.Pending) fail('QR_CODE_REPLACED');
    const policy = (await this.directory.requirePool(current.poolId)).security.proximityPolicy;
    const mismatch =
      current.status === QrStatus.Pending && this.#proximity(current, ip).verdict === 'mismatch';
    if (mismatch && policy === 'deny') {
      await this.#apply('refuse', current, user, ip, { set: { userId: user.id } });
      return fail('PROXIMITY_DENIED');
    }
    const rule = mismatch && policy === 'step-up' ? 'scanNeedsStepUp' : 'scan';
    return this.#apply(rule, current, user, ip, { set: { userId: user.id } });
  }

  /**
   * The scanner proves more (their password) after a step-up: status 4 → 1.
   * The password is verified whenever the code is (as read) in step-up for
   * this scanner, and the transition runs only after it was: a code that was
   * still waiting at the read is refused, never let through unverified when a
   * scan lands meanwhile.
   */
  async stepUp(publicId: string, who: UserRecord | Actor, password: string): Promise<ActionResult> {
    const { user, ip } = actorOf(who);
    const current = await this.#sessionFor(publicId, user);
    const status = effectiveStatus(current.status, current.expiresAt, this.clock.now());
    if (status !== QrStatus.StepUp || current.userId !== user.id) {
      return this.#refuse('stepUp', current, user);
    }
    const ok = await this.directory.verifyUserPassword(user, password, ip ?? '');
    if (!ok) return fail('STEP_UP_FAILED');
    return this.#apply('stepUp', current, user, ip, { passwordVerified: true });
  }

  /**
   * The scanner approves; with a check code the right number must come along.
   * The number is compared inside the compare-and-set (see the `checkCode`
   * guard), so a confirm that read the code before its scan cannot slip past it.
   */
  async confirm(
    publicId: string,
    who: UserRecord | Actor,
    opts: { checkCode?: number } = {},
  ): Promise<ActionResult> {
    const { user, ip, sessionId } = actorOf(who);
    const current = await this.#sessionFor(publicId, user);
    const app = await this.directory.getApp(current.appId);
    // Gone since the code was read: an open code stops now; any other is refused for its state.
    if (!app) return this.#refuse('confirm', await this.#stop(current, 'APP_NOT_FOUND'), user);
    const now = this.clock.now();
    return this.#apply('confirm', current, user, ip, {
      set: {
        ticket: newTicket(),
        ticketExpiresAt: now + app.qr.ticketExpiresAfter * 1000,
        // Checked again when the ticket is redeemed: signing the phone out withdraws the approval.
        approverSessionId: sessionId,
      },
      checkCode: opts.checkCode ?? null,
    });
  }

  cancel(publicId: string, who: UserRecord | Actor): Promise<ActionResult> {
    const { user, ip } = actorOf(who);
    return this.#sessionFor(publicId, user).then((current) => this.#apply('cancel', current, user, ip));
  }

  /** Phones act on the id printed in the QR code, never on the page's key. */
  async #requirePublic(publicId: string): Promise<QrSessionRecord> {
    return (await this.sessions.findByPublicId(publicId)) ?? fail('QR_NOT_FOUND');
  }

  /**
   * The code a phone acts on, for a user of its pool: a code stopped (status
   * 5), or one whose application, pool or scanner is gone (then stopped now),
   * is refused with the reason.
   */
  async #sessionFor(publicId: string, user: UserRecord): Promise<QrSessionRecord> {
    const current = await this.#requirePublic(publicId);
    if (current.poolId !== user.poolId) fail('QR_OTHER_POOL');
    // The HTTP layer refuses blocked users already; the record it hands over may be older than that check.
    if (user.blocked) fail('USER_BLOCKED');
    if (current.status === QrStatus.Error) return failWithCode(current.errorCode);
    if (isOpenStatus(effectiveStatus(current.status, current.expiresAt, this.clock.now()))) {
      const { cause } = await this.#whatIsGone(current);
      if (cause) {
        const stopped = await this.#stop(current, cause);
        if (stopped.status === QrStatus.Error) return failWithCode(stopped.errorCode);
        return stopped;
      }
    }
    return current;
  }

  /** Applies one row of the transitions table as an atomic compare-and-set, its guard included. */
  async #apply(
    action: QrAction,
    current: QrSessionRecord,
    user: UserRecord,
    ip: string | null,
    opts: {
      set?: { userId?: string; ticket?: string; ticketExpiresAt?: number; approverSessionId?: string | null };
      /** For the `checkCode` guard: the number presented (null: none). */
      checkCode?: number | null;
      /** For the `password` guard: the scanner's password was verified for this call. */
      passwordVerified?: boolean;
    } = {},
  ): Promise<ActionResult> {
    const rule: { from: readonly StoredStatus[]; to: StoredStatus; actor: string; guard?: Guard } =
      Transitions[action];
    // An invariant of this class, not a check of input: no path may request a guarded change unguarded.
    if (rule.guard === 'password' && opts.passwordVerified !== true) {
      throw new Error(`${action} requires a verified password`);
    }
    const { random, publicId } = current;
    const next = await this.sessions.transition(random, {
      from: rule.from,
      to: rule.to,
      now: this.clock.now(),
      ...(rule.actor === 'scanner' ? { expectUserId: user.id } : {}),
      ...(rule.guard === 'checkCode' ? { checkCode: opts.checkCode ?? null } : {}),
      ...(opts.set ? { set: opts.set } : {}),
    });
    if (next) {
      this.events.publish(next);
      const outcome = AUDITED[action];
      if (outcome) {
        this.#ended(outcome);
        await this.#record(next, outcome, ip);
      }
      return { random: publicId, status: next.status, description: statusWords['en-US'][next.status] };
    }
    // The compare-and-set lost: explain why from what is stored now.
    const latest = await this.requireSession(random);
    if (action === 'confirm' && this.#checkCodeMismatch(latest, user, opts.checkCode ?? null)) {
      if (opts.checkCode == null) return fail('CHECK_CODE_REQUIRED');
      // A wrong pick is a refusal: a guessing attacker gets one try.
      await this.#apply('cancel', latest, user, ip).catch(() => {});
      return fail('CHECK_CODE_WRONG');
    }
    return this.#refuse(action, latest, user);
  }

  /** Whether a confirm was refused for its check code (rather than for the code's state). */
  #checkCodeMismatch(s: QrSessionRecord, user: UserRecord, presented: number | null): boolean {
    const status = effectiveStatus(s.status, s.expiresAt, this.clock.now());
    return (
      status === QrStatus.Scanned && s.userId === user.id && s.checkCode !== null && s.checkCode !== presented
    );
  }

  /** Why `action` cannot apply to the code in its state `s` (a repeated scan is answered, not refused). */
  #refuse(action: QrAction, s: QrSessionRecord, user: UserRecord): ActionResult {
    const status = effectiveStatus(s.status, s.expiresAt, this.clock.now());
    const rescan = action === 'scan' || action === 'scanNeedsStepUp';
    if (rescan && (status === QrStatus.Scanned || status === QrStatus.StepUp) && s.userId === user.id) {
      return { random: s.publicId, status, description: statusWords['en-US'][status] }; // a repeated scan is harmless
    }
    if (status === QrStatus.Expired) return fail('QR_EXPIRED');
    if (status === QrStatus.Error) return failWithCode(s.errorCode);
    if (s.userId !== null && s.userId !== user.id) return fail('QR_SCANNED_BY_OTHER');
    if (status === QrStatus.StepUp && action === 'confirm') return fail('STEP_UP_REQUIRED');
    return fail('QR_WRONG_STATE', detail('cannotAct', { status, action }));
  }

  /**
   * Redeems a ticket for the user and a token minted for this website (never
   * the phone's token). Exactly one caller can win a ticket.
   */
  async exchange(
    ticket: string,
    app: AppRecord,
    browser?: { proof: BindingProof },
  ): Promise<UserWithTokenView> {
    const now = this.clock.now();
    const peek = (await this.sessions.peekTicket(ticket, now)) ?? fail('TICKET_INVALID');
    if (peek.appId !== app.id) fail('TICKET_OTHER_APP');
    // Read once: all the redemption needs was written at approval; consuming only marks the ticket used.
    const session = (await this.sessions.getSession(peek.random)) ?? fail('TICKET_INVALID');
    // Redeeming from a browser needs the binding of the browser that asked.
    if (browser && !isBound(session, browser.proof)) fail('BINDING_MISMATCH');
    const consumed = (await this.sessions.consumeTicket(ticket, app.id, now)) ?? fail('TICKET_INVALID');
    // Asked after the consume, which is when the redemption happens: a phone signed out before it
    // has withdrawn its approval (the ticket is spent either way).
    if (!(await this.#approvalStands(session))) fail('APPROVAL_WITHDRAWN');
    const user = (await this.directory.getUser(consumed.userId)) ?? fail('TICKET_INVALID');
    // The audit line goes with the web session, only once the user may have a token at all.
    const redeemed = await this.#webUser(user, app, session, ticket, () =>
      this.#record(session, 'redeemed', null),
    );
    this.#ended('redeemed');
    return redeemed;
  }

  /**
   * Whether the approval of an authorized code still stands: its approver's
   * app session is live. Codes approved without one (before app sessions
   * existed) stand.
   */
  async #approvalStands(s: QrSessionRecord): Promise<boolean> {
    return s.approverSessionId === null || this.approvers.isLive(s.approverSessionId);
  }

  async #record(s: QrSessionRecord, outcome: QrLoginOutcome, deviceIp: string | null): Promise<void> {
    if (!s.userId) return;
    const at = this.clock.now();
    await this.audit.append({
      id: newObjectId(at),
      at,
      poolId: s.poolId,
      userId: s.userId,
      appId: s.appId,
      random: s.publicId,
      outcome,
      requestContext: s.requestContext,
      deviceIp,
    });
  }

  /** The user's recent QR logins, newest first. */
  async history(user: UserRecord, limit = 20, lang: Lang = 'en-US'): Promise<AuditView[]> {
    return this.auditViews(await this.audit.listByUser(user.id, limit), lang);
  }

  /** A pool's audit log, newest first; `before` pages back in time. */
  async poolAudit(
    poolId: string,
    limit: number,
    before?: number,
    lang: Lang = 'en-US',
  ): Promise<AuditView[]> {
    return this.auditViews(await this.audit.listByPool(poolId, limit, before), lang);
  }

  /**
   * Starts listening to one code's changes before its state is read (see
   * SessionWatch): what the event stream and the long-poll wait with.
   */
  watch(random: string): SessionWatch {
    return new SessionWatch(this.events, random, this.clock);
  }

  /** Audit records as people read them: places and missing applications named in `lang`. */
  async auditViews(records: AuditRecord[], lang: Lang = 'en-US'): Promise<AuditView[]> {
    const views: AuditView[] = [];
    for (const r of records) {
      const app = await this.directory.getApp(r.appId);
      views.push({
        id: r.id,
        at: new Date(r.at).toISOString(),
        outcome: r.outcome,
        random: r.random,
        userId: r.userId,
        app: { id: r.appId, name: app?.name ?? words.deletedApp[lang] },
        ...describeRequest(r.requestContext, this.geo, lang),
        deviceIp: r.deviceIp,
      });
    }
    return views;
  }

  /**
   * The user as the website sees them, with a token of the login's own web
   * session. `alongside` is written with the session (an audit line), in the
   * same commit, and like it only for a user the token service accepts.
   */
  async #webUser(
    user: UserRecord,
    app: AppRecord,
    s: QrSessionRecord,
    ticket: string,
    alongside?: () => Promise<void>,
  ): Promise<UserWithTokenView> {
    const stored = user.customData;
    const issued = await this.tokens.issue({
      user,
      audience: app.id,
      use: 'web',
      // Inside the signature: the user view beside the token passes through the browser, which
      // could change it; the claim is what the code carried, for a backend to rely on.
      customData: s.withCustomData ? (s.customData ?? {}) : null,
      session: async () => {
        const [session] = await Promise.all([
          this.webSessions.open({
            poolId: user.poolId,
            userId: user.id,
            app,
            random: s.publicId,
            ticket,
            requestContext: s.requestContext,
          }),
          alongside?.(),
        ]);
        return session;
      },
    });
    const view = userView(user, { token: issued.token, exp: issued.claims.exp });
    // Asked for with the code: the page's custom data joins the user's, whose stored values
    // win where both name a key, so the page cannot pass its input off as the admin's.
    if (s.withCustomData) view.customData = { ...(s.customData ?? {}), ...stored };
    return view;
  }

  /** Housekeeping: forget sessions nobody can use any more; codes that ran out undecided end here. */
  async deleteExpired(): Promise<SweepResult> {
    const result = await this.sessions.deleteExpired(this.clock.now());
    this.#ended('expired', result.expiredUndecided);
    return result;
  }

  /** How many codes wait for a scan or a decision now, on every instance sharing the storage. */
  countWaiting(): Promise<number> {
    return this.sessions.countWaiting(this.clock.now());
  }
}

/** What stops an open code (status 5): entries of the error registry, which the page is shown. */
export type StopCause = Extract<ErrorName, 'APP_NOT_FOUND' | 'POOL_NOT_FOUND' | 'QR_SCANNER_UNAVAILABLE'>;

/** Codes stopped at once by `directoryChanged` (each one a compare-and-set). */
const STOP_BATCH = 50;

function isOpenStatus(status: QrStatus): boolean {
  return status === QrStatus.Pending || status === QrStatus.Scanned || status === QrStatus.StepUp;
}

/** The registry entry a stopped code names (`errorCode`); a code unknown to this version reads as a wrong state. */
function stopEntry(code: number | null): { code: number; message: string } {
  const name = code === null ? undefined : errorNameOf(code);
  const entry = ErrorCodes[name ?? 'QR_WRONG_STATE'];
  return { code: entry.code, message: entry.message };
}

/**
 * `scannedResult` of status 5. authing-js-sdk hands `errmsg` to `onError`;
 * an object with `code` and `message` is what its documentation shows that
 * callback receiving, and what `startScanning`'s own handler takes the
 * `message` of (a bare string would reach that page's callback as undefined).
 */
function stopReport(code: number | null): NonNullable<CheckView['scannedResult']> {
  const entry = stopEntry(code);
  return { ...entry, errmsg: { ...entry } };
}

/** Refuses a phone's call on a stopped code with the reason it was stopped. */
function failWithCode(code: number | null): never {
  const name = code === null ? undefined : errorNameOf(code);
  return fail(name ?? 'QR_WRONG_STATE');
}

const AUDITED: Partial<Record<QrAction, QrLoginOutcome>> = {
  confirm: 'approved',
  cancel: 'denied',
  refuse: 'denied',
};

/** What the page reading a code's status understands (see STEP_UP_AWARE_PARAM). */
export interface Reader {
  /** It keeps waiting through status 4, so it may be shown: our SDK says so, Authing's does not. */
  understandsStepUp?: boolean;
  /** The language of the words in the view (status 4's message); English by default. */
  lang?: Lang;
}

/**
 * What a reader holds of a code's binding: given the code's `random`, the
 * SHA-256 (hex) of each binding secret the reader presents for that code. A
 * function because polls of a waiting code (nearly all of them) never need
 * it, and because which cookie to read depends on the code.
 */
export type BindingProof = (random: string) => readonly string[];
const NO_PROOF: BindingProof = () => [];

/**
 * Whether the reader holds the secret minted for this code (or the code has
 * none): a secret is only ever compared with the hash stored for its own code.
 */
function isBound(s: QrSessionRecord, proof: BindingProof): boolean {
  const stored = s.bindingHash;
  return stored === null || proof(s.random).some((hash) => safeEqual(hash, stored));
}

function actorOf(who: UserRecord | Actor): { user: UserRecord; ip: string | null; sessionId: string | null } {
  return 'user' in who
    ? { user: who.user, ip: who.ip ?? null, sessionId: who.sessionId ?? null }
    : { user: who, ip: null, sessionId: null };
}

/** A two-digit number for the page and three distinct choices for the phone, when the pool asks. */
function checkCodeFor(pool: PoolRecord): { checkCode: number | null; checkChoices: number[] | null } {
  if (!pool.security.checkCode) return { checkCode: null, checkChoices: null };
  const choices = new Set<number>();
  while (choices.size < 3) choices.add(randomInt(10, 100));
  const list = [...choices];
  return { checkCode: list[randomInt(0, 3)]!, checkChoices: list.sort((a, b) => a - b) };
}
