/**
 * Signing in to OpenID Connect clients with the QR login engine, and its two
 * typed fallbacks. No HTTP here: routes pass decoded inputs and the provider's
 * interaction; storage sits behind the ports.
 *
 * - Hosted sign-in page (the provider's login interaction): the page shows a
 *   QR code made by the usual engine (binding, rotation, check code,
 *   proximity policy, audit); once the phone approves, the page hands its
 *   ticket to `qrLogin`, which redeems it as the client app (opening the web
 *   session, writing the audit line) and answers the provider's prompts.
 * - Short codes: the page can also show 8 letters that stand for its current
 *   QR code, for a phone that cannot scan (typed in the companion).
 * - Device codes (RFC 8628): typed in the companion, shown with the device's
 *   context, approved or denied (`approveDevice`, `denyDevice`).
 *
 * Every grant is born with a web session of the user (the one the sign-in
 * opened) and lives only as long as it: a grant is linked to it (kind
 * `GrantLink`), the adapter finds a grant only while that web session is live,
 * and a grant the provider destroys (logout, revocation) revokes it.
 */
import { randomInt } from 'node:crypto';
import { type DeviceDecision, type DeviceRequestContext, QrStatus } from '@scanlogin/protocol';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { Clock } from '../domain/clock.js';
import type { DirectoryService } from '../domain/directory/service.js';
import { fail, ServiceError } from '../domain/errors.js';
import { type CountryLookup, locateIp, proximity } from '../domain/geo.js';
import { newObjectId, randomToken } from '../domain/ids.js';
import { detail } from '../domain/messages.js';
import type { OidcArtifact, OidcArtifactStore } from '../domain/oidc/ports.js';
import type {
  AuditStore,
  CounterStore,
  QrLoginOutcome,
  RequestContext,
  WebSessionRecord,
  WebSessionStore,
} from '../domain/ports.js';
import { describeRequest } from '../domain/qr-login/request-description.js';
import type { Actor, QrLoginService } from '../domain/qr-login/service.js';
import { type WebSessionService, webSessionId } from '../domain/web-sessions/service.js';
import type { GrantGuard } from './adapter.js';

type ProviderInstance = InstanceType<typeof Provider>;
type Interaction = Awaited<ReturnType<ProviderInstance['interactionDetails']>>;

/** RFC 8628 §6.1: 20 consonants, no vowels (no words), nothing that reads as a digit. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/;

/** Upper-cases and drops everything but letters (people type `bcdf ghjk`, `BCDF-GHJK`...). */
export function normalizeUserCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[^A-Z]/g, '');
  return USER_CODE.test(code) ? code : null;
}

export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** Kinds issued under a grant, revoked with it. */
const GRANT_MEMBERS = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'] as const;

export interface TypedCodeThrottle {
  /** Wrong codes one user may type in the window before waiting for it to end. */
  perUser: number;
  /** Wrong codes from one IP address in the window. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_TYPED_CODE_THROTTLE: TypedCodeThrottle = {
  perUser: 10,
  perIp: 50,
  windowMs: 15 * 60_000,
};

export interface SignInDeps {
  store: OidcArtifactStore;
  clock: Clock;
  directory: DirectoryService;
  qr: QrLoginService;
  webSessions: WebSessionService;
  webSessionStore: WebSessionStore;
  audit: AuditStore;
  counters: CounterStore;
  geo: CountryLookup | null;
  /** The current provider (rebuilt when the signing keys change). */
  provider: () => ProviderInstance;
  /** Origin of the service: codes shown on the hosted sign-in page were requested from it. */
  issuerOrigin: string;
  /** The OpenID scopes the provider knows; a grant gets the requested ones among them. */
  scopes: ReadonlySet<string>;
  throttle?: TypedCodeThrottle;
}

/** The result the provider gets for a finished login interaction (plus our web session id). */
export type SignInResult = InteractionResults & { scanlogin?: { webSessionId: string } };

export class OidcSignIn implements GrantGuard {
  readonly #d: SignInDeps;
  readonly #throttle: TypedCodeThrottle;

  constructor(deps: SignInDeps) {
    this.#d = deps;
    this.#throttle = deps.throttle ?? DEFAULT_TYPED_CODE_THROTTLE;
  }

  // Grants and the web sessions they are born with ------------------------------------------

  /** Saves a new grant of `scope` for the user and client, tied to the web session `ws`. */
  async #newGrant(accountId: string, clientId: string, scope: string, ws: WebSessionRecord): Promise<string> {
    const grant = new (this.#d.provider().Grant)({ accountId, clientId });
    if (scope) grant.addOIDCScope(scope);
    const grantId = await grant.save();
    await this.#d.store.upsert({
      kind: 'GrantLink',
      id: grantId,
      payload: { webSessionId: ws.id, userId: ws.userId },
      expiresAt: ws.expiresAt,
      consumedAt: null,
    });
    return grantId;
  }

  /** The requested scopes the provider supports, in request order. */
  #scope(requested: unknown): string {
    const words = typeof requested === 'string' ? requested.split(' ') : [];
    return [...new Set(words.filter((w) => this.#d.scopes.has(w)))].join(' ');
  }

  async #linkedSession(grantId: string): Promise<WebSessionRecord | null> {
    const link = await this.#d.store.find('GrantLink', grantId);
    const id = link?.payload.webSessionId;
    return typeof id === 'string' ? this.#d.webSessionStore.get(id) : null;
  }

  async isGrantLive(grantId: string): Promise<boolean> {
    const ws = await this.#linkedSession(grantId);
    return ws !== null && ws.revokedAt === null && ws.expiresAt > this.#d.clock.now();
  }

  async grantDestroyed(grantId: string): Promise<void> {
    const ws = await this.#linkedSession(grantId);
    if (ws && ws.revokedAt === null && ws.expiresAt > this.#d.clock.now()) {
      await this.#d.webSessions.revoke(ws.userId, ws.id).catch((err) => {
        // Revoked meanwhile (the phone, another instance): the outcome is the same.
        if (!(err instanceof ServiceError && err.errorName === 'WEB_SESSION_NOT_FOUND')) throw err;
      });
    }
    await this.#d.store.destroy('GrantLink', grantId);
  }

  async revokeGrant(grantId: string): Promise<void> {
    const { store } = this.#d;
    await Promise.all(GRANT_MEMBERS.map((kind) => store.revokeByGrantId(kind, grantId)));
    await this.grantDestroyed(grantId);
    await store.destroy('Grant', grantId);
  }

  // The hosted sign-in page ------------------------------------------------------------------

  #clientOf(interaction: Interaction): string {
    const id = interaction.params.client_id;
    return typeof id === 'string' ? id : fail('SIGN_IN_EXPIRED');
  }

  /**
   * The page's browser holds an approved ticket: redeem it as the client app
   * (one winner, audit line, web session) and answer the login prompt, and
   * consent too unless the client asked for it explicitly (`prompt=consent`):
   * the phone's confirm screen already named the app.
   */
  async qrLogin(interaction: Interaction, ticket: string): Promise<SignInResult> {
    if (interaction.prompt.name !== 'login') fail('INVALID_REQUEST', detail('signInStepNoQr'));
    const clientId = this.#clientOf(interaction);
    const app = (await this.#d.directory.getApp(clientId)) ?? fail('APP_NOT_FOUND');
    const user = await this.#d.qr.exchange(ticket, app);
    const ws = (await this.#d.webSessionStore.get(webSessionId(ticket))) ?? fail('TICKET_INVALID');
    const login = { accountId: user.id, amr: ['qr'], remember: true };
    if (wantsConsent(interaction)) return { login, scanlogin: { webSessionId: ws.id } };
    const grantId = await this.#newGrant(user.id, clientId, this.#scope(interaction.params.scope), ws);
    return { login, consent: { grantId } };
  }

  /** The user's answer on the consent page (shown when the client asked with `prompt=consent`). */
  async consent(interaction: Interaction, allow: boolean): Promise<SignInResult> {
    if (interaction.prompt.name !== 'consent') fail('INVALID_REQUEST', detail('signInStepNoConsent'));
    const clientId = this.#clientOf(interaction);
    const signedIn = (interaction.lastSubmission as SignInResult | undefined)?.scanlogin?.webSessionId;
    const fresh = signedIn ? await this.#d.webSessionStore.get(signedIn) : null;
    if (!allow) {
      // The sign-in that just happened for this request is undone too.
      if (fresh && fresh.revokedAt === null) await this.#d.webSessions.revoke(fresh.userId, fresh.id);
      return { error: 'access_denied', error_description: 'The user did not allow the request.' };
    }
    const scope = this.#scope(interaction.params.scope);
    if (interaction.grantId) {
      // Signed in before (a live grant, or the login check would have asked for a scan): widen it.
      const grant = (await this.#d.provider().Grant.find(interaction.grantId)) ?? fail('SIGN_IN_EXPIRED');
      if (scope) grant.addOIDCScope(scope);
      return { consent: { grantId: await grant.save() } };
    }
    const accountId = interaction.session?.accountId;
    const now = this.#d.clock.now();
    if (!fresh || fresh.userId !== accountId || fresh.revokedAt !== null || fresh.expiresAt <= now) {
      return fail('SIGN_IN_EXPIRED');
    }
    return { consent: { grantId: await this.#newGrant(fresh.userId, clientId, scope, fresh) } };
  }

  /**
   * A short code for the QR code the page shows now (`random` is the page's
   * key, which a rotating code never prints). It stands for that code only, as
   * long as the code lives; asking again for the same code gives the same letters.
   */
  async shortCode(interaction: Interaction, random: string): Promise<{ code: string; expiresIn: number }> {
    if (interaction.prompt.name !== 'login') fail('INVALID_REQUEST', detail('signInStepNoCode'));
    const clientId = this.#clientOf(interaction);
    const session = await this.#d.qr.requireSession(random);
    const now = this.#d.clock.now();
    if (
      session.appId !== clientId ||
      session.requestContext?.origin !== this.#d.issuerOrigin ||
      session.status !== QrStatus.Pending ||
      session.expiresAt <= now
    ) {
      return fail('QR_WRONG_STATE', detail('shortCodeWaitingOnly'));
    }
    const { store } = this.#d;
    const expiresIn = Math.ceil((session.expiresAt - now) / 1000);
    const existing = await store.find('ShortCode', random);
    if (typeof existing?.payload.userCode === 'string') {
      return { code: formatUserCode(existing.payload.userCode), expiresIn };
    }
    const code = newUserCode();
    await store.upsert({
      kind: 'ShortCode',
      id: random,
      payload: { userCode: code, random, appId: clientId },
      expiresAt: session.expiresAt,
      consumedAt: null,
    });
    return { code: formatUserCode(code), expiresIn };
  }

  // Typed codes on the phone ------------------------------------------------------------------

  /**
   * What a code typed in the app stands for: a device's sign-in request, or a
   * sign-in page's QR code (then the app goes on as if it had scanned it).
   * Wrong codes are counted per user and per address; past the limit, every
   * try waits for the window to end, so 20^8 codes cannot be walked through.
   */
  async resolveCode(
    input: string,
    actor: Actor,
  ): Promise<{ kind: 'qr'; payload: string } | { kind: 'device'; device: DeviceRequestContext }> {
    await this.#assertNotThrottled(actor);
    const code = normalizeUserCode(input);
    const device = code ? await this.#d.store.findByUserCode('DeviceCode', code) : null;
    if (device) return { kind: 'device', device: await this.#deviceView(device, actor) };
    const short = code ? await this.#d.store.findByUserCode('ShortCode', code) : null;
    const random = short?.payload.random;
    if (short && typeof random === 'string' && (short.expiresAt ?? 0) > this.#d.clock.now()) {
      const session = await this.#d.qr.requireSession(random);
      if (session.poolId !== actor.user.poolId) fail('QR_OTHER_POOL');
      return { kind: 'qr', payload: this.#d.qr.payloadOf(session) };
    }
    await this.#countFailure(actor);
    return fail('USER_CODE_NOT_FOUND');
  }

  #throttleKeys(actor: Actor): [string, number][] {
    const t = this.#throttle;
    return [
      [`oidc:typed:user:${actor.user.id}`, t.perUser],
      [`oidc:typed:ip:${actor.ip ?? ''}`, t.perIp],
    ];
  }

  async #assertNotThrottled(actor: Actor): Promise<void> {
    const now = this.#d.clock.now();
    for (const [key, max] of this.#throttleKeys(actor)) {
      const state = await this.#d.counters.get(key, now);
      if (state && state.count >= max) {
        const retryAfter = String(Math.max(1, Math.ceil((state.resetAt - now) / 1000)));
        fail('TOO_MANY_LOGIN_ATTEMPTS', detail('tooManyWrongCodes'), {
          'retry-after': retryAfter,
        });
      }
    }
  }

  async #countFailure(actor: Actor): Promise<void> {
    const now = this.#d.clock.now();
    for (const [key] of this.#throttleKeys(actor)) {
      await this.#d.counters.increment(key, this.#throttle.windowMs, now);
    }
  }

  /** The device code behind `userCode`, still waiting for a decision, of the user's pool. */
  async #openDevice(userCode: string, actor: Actor): Promise<OidcArtifact> {
    const code = normalizeUserCode(userCode) ?? fail('USER_CODE_NOT_FOUND');
    const device = (await this.#d.store.findByUserCode('DeviceCode', code)) ?? fail('USER_CODE_NOT_FOUND');
    const p = device.payload;
    if ((device.expiresAt ?? 0) <= this.#d.clock.now()) fail('USER_CODE_EXPIRED');
    if (p.accountId || p.error || p.inFlight || device.consumedAt !== null) fail('DEVICE_REQUEST_CLOSED');
    const app = (await this.#d.directory.getApp(String(p.clientId))) ?? fail('APP_NOT_FOUND');
    if (app.poolId !== actor.user.poolId) fail('QR_OTHER_POOL');
    return device;
  }

  #deviceContext(device: OidcArtifact): RequestContext {
    const info = (device.payload.deviceInfo ?? {}) as { ip?: unknown; ua?: unknown };
    return {
      ip: typeof info.ip === 'string' ? info.ip : '',
      origin: null,
      userAgent: typeof info.ua === 'string' ? info.ua.slice(0, 512) : null,
    };
  }

  async #deviceView(device: OidcArtifact, actor: Actor): Promise<DeviceRequestContext> {
    const p = device.payload;
    const now = this.#d.clock.now();
    if ((device.expiresAt ?? 0) <= now) fail('USER_CODE_EXPIRED');
    if (p.accountId || p.error || p.inFlight || device.consumedAt !== null) fail('DEVICE_REQUEST_CLOSED');
    const app = (await this.#d.directory.getApp(String(p.clientId))) ?? fail('APP_NOT_FOUND');
    if (app.poolId !== actor.user.poolId) fail('QR_OTHER_POOL');
    const pool = await this.#d.directory.requirePool(app.poolId);
    const context = this.#deviceContext(device);
    // Device requests do not carry the reader's language yet: their places are named in English.
    const seen = describeRequest(context, this.#d.geo, 'en-US');
    const phone = locateIp(actor.ip, this.#d.geo);
    const verdict = proximity(locateIp(context.ip, this.#d.geo), phone);
    const lifetimeMs = typeof p.exp === 'number' && typeof p.iat === 'number' ? (p.exp - p.iat) * 1000 : 0;
    const expiresAt = device.expiresAt ?? now;
    const params = (p.params ?? {}) as { scope?: unknown };
    return {
      userCode: formatUserCode(String(p.userCode)),
      app: { id: app.id, name: app.name, logo: app.logo },
      ip: seen.ip || null,
      place: seen.place,
      browser: seen.browser,
      os: seen.os,
      reportedByDevice: true,
      scopes: this.#scope(params.scope).split(' ').filter(Boolean),
      createdAt: new Date(expiresAt - lifetimeMs).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      proximity: {
        verdict,
        phonePlace: phone.place,
        mismatch: verdict === 'mismatch',
        policy: pool.security.proximityPolicy,
      },
      stepUpRequired: verdict === 'mismatch' && pool.security.proximityPolicy === 'step-up',
    };
  }

  /** Exactly one decision per device code, whichever instance and path (approve, deny) comes first. */
  async #claimDecision(device: OidcArtifact): Promise<void> {
    const now = this.#d.clock.now();
    const keep = Math.max(60_000, (device.expiresAt ?? now) - now);
    const { count } = await this.#d.counters.increment(`oidc:device:decided:${device.id}`, keep, now);
    if (count !== 1) fail('DEVICE_REQUEST_CLOSED');
  }

  async #audit(device: OidcArtifact, userId: string, outcome: QrLoginOutcome, actor: Actor): Promise<void> {
    const app = await this.#d.directory.getApp(String(device.payload.clientId));
    const at = this.#d.clock.now();
    await this.#d.audit.append({
      id: newObjectId(at),
      at,
      poolId: app?.poolId ?? actor.user.poolId,
      userId,
      appId: String(device.payload.clientId),
      random: `device:${formatUserCode(String(device.payload.userCode))}`,
      outcome,
      requestContext: this.#deviceContext(device),
      deviceIp: actor.ip ?? null,
    });
  }

  /**
   * The user approves a device's request on the phone. The pool's proximity
   * policy applies as to a QR login: `deny` refuses (and ends the request),
   * `step-up` needs the password when the device seems far away.
   */
  async approveDevice(userCode: string, actor: Actor, password?: string): Promise<DeviceDecision> {
    const device = await this.#openDevice(userCode, actor);
    const view = await this.#deviceView(device, actor);
    if (view.proximity.mismatch && view.proximity.policy === 'deny') {
      await this.#decide(device, actor, false);
      return fail('PROXIMITY_DENIED');
    }
    if (view.stepUpRequired) {
      if (!password) fail('STEP_UP_REQUIRED');
      const ok = await this.#d.directory.verifyUserPassword(actor.user, password!, actor.ip ?? '');
      if (!ok) fail('STEP_UP_FAILED');
    }
    await this.#decide(device, actor, true);
    return { userCode: view.userCode, approved: true, app: { id: view.app.id, name: view.app.name } };
  }

  async denyDevice(userCode: string, actor: Actor): Promise<DeviceDecision> {
    const device = await this.#openDevice(userCode, actor);
    const view = await this.#deviceView(device, actor);
    await this.#decide(device, actor, false);
    return { userCode: view.userCode, approved: false, app: { id: view.app.id, name: view.app.name } };
  }

  async #decide(device: OidcArtifact, actor: Actor, approve: boolean): Promise<void> {
    await this.#claimDecision(device);
    const provider = this.#d.provider();
    const code =
      (await provider.DeviceCode.find(device.id, { ignoreExpiration: true })) ?? fail('USER_CODE_NOT_FOUND');
    const user = actor.user;
    if (!approve) {
      Object.assign(code, { error: 'access_denied', errorDescription: 'The user denied the request.' });
      await code.save();
      await this.#audit(device, user.id, 'denied', actor);
      return;
    }
    const clientId = String(device.payload.clientId);
    const app = (await this.#d.directory.getApp(clientId)) ?? fail('APP_NOT_FOUND');
    const ws = await this.#d.webSessions.open({
      poolId: user.poolId,
      userId: user.id,
      app,
      random: `device:${formatUserCode(String(device.payload.userCode))}`,
      // The session id is derived from a secret that is never stored beside it (see webSessionId).
      ticket: randomToken(32),
      requestContext: this.#deviceContext(device),
    });
    const params = (device.payload.params ?? {}) as { scope?: unknown };
    const scope = this.#scope(params.scope);
    const grantId = await this.#newGrant(user.id, clientId, scope, ws);
    Object.assign(code, {
      accountId: user.id,
      amr: ['qr'],
      authTime: Math.floor(Date.now() / 1000),
      grantId,
      scope,
    });
    await code.save();
    await this.#audit(device, user.id, 'approved', actor);
  }
}

function wantsConsent(interaction: Interaction): boolean {
  const prompt = interaction.params.prompt;
  return typeof prompt === 'string' && prompt.split(' ').includes('consent');
}
