/**
 * node-oidc-provider (OpenID Certified) configured as Scanlogin: our issuer
 * and keys, our apps as clients, our storage, and the QR login as the only
 * way to sign in. Everything protocol-shaped (discovery, authorization code +
 * PKCE, tokens, userinfo, refresh, revocation, introspection, RP-initiated
 * logout, the device grant) is the provider's; what is ours is named here.
 */
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { type DirectoryService, safeEqual, sha256Hex } from '../domain/directory/service.js';
import type { CountryLookup } from '../domain/geo.js';
import { describeRequest } from '../domain/qr-login/request-description.js';
import type { KeyRing } from '../domain/tokens/keys.js';
import { type AdapterDeps, artifactAdapter } from './adapter.js';
import { interactionPolicy, Provider } from './library.js';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  logoutPage,
  messagePage,
  PAGE_HEADERS,
} from './pages.js';

/** Where the provider's endpoints live (all under /oidc/, so no path of the /api/v2 wire is touched). */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  backchannel_authentication: '/oidc/backchannel',
  code_verification: '/oidc/device',
  challenge: '/oidc/challenge',
  device_authorization: '/oidc/device/auth',
  end_session: '/oidc/session/end',
  introspection: '/oidc/token/introspection',
  // Our JWKS route serves the same key set (the KeyRing's); discovery names it.
  jwks: '/.well-known/jwks.json',
  pushed_authorization_request: '/oidc/request',
  registration: '/oidc/reg',
  revocation: '/oidc/token/revocation',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  credential: '/oidc/credential',
} as const;

export const INTERACTION_PREFIX = '/oidc/interaction/';

/**
 * Scopes and the claims they release (OpenID Connect Core §5.4), plus our
 * pool id, and `amr` in every ID token: how the user signed in (`qr`).
 */
export const CLAIMS = {
  openid: ['sub', 'userpool_id', 'amr'],
  profile: ['name', 'preferred_username', 'picture', 'updated_at'],
  email: ['email'],
  phone: ['phone_number'],
} as const;
export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'phone'] as const;

export interface ProviderOptions {
  issuer: string;
  /** Seconds a sign-in (its web session, grant, browser session and refresh tokens) lasts. */
  sessionTtl: number;
  requirePkce: boolean;
  /** Seconds between device polls, announced as `interval`. */
  pollInterval: number;
  /** Secrets that sign the provider's cookies (shared by every instance). */
  cookieKeys: string[];
}

export interface ProviderDeps extends AdapterDeps {
  directory: DirectoryService;
  geo: CountryLookup | null;
  /** Extra login check: whether this browser's grant for the client is still live (see sign-in.ts). */
  isGrantLive: (grantId: string) => Promise<boolean>;
  onServerError: (err: unknown) => void;
}

const { Check, base } = interactionPolicy;

/**
 * The provider's login prompt, plus one check of ours: a browser signed in
 * to one client is not thereby signed in to another, nor to one whose web
 * session the user has revoked, nor to a device: each asks the phone again.
 * (Browser SSO stays for the same client while its sign-in is live.)
 */
function policy(isGrantLive: ProviderDeps['isGrantLive']) {
  const p = base();
  p.get('login')!.checks.add(
    new Check('scanlogin_sign_in', 'this client needs a QR sign-in of its own', async (ctx) => {
      const { oidc } = ctx;
      if (oidc.result?.login) return Check.NO_NEED_TO_PROMPT; // signed in during this very request
      if (!oidc.session?.accountId) return Check.REQUEST_PROMPT; // the provider's own check asks too
      if (oidc.route === 'device_resume' || oidc.deviceCode) return Check.REQUEST_PROMPT;
      const grantId = oidc.session?.grantIdFor(oidc.client!.clientId);
      return grantId && (await isGrantLive(grantId)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return p;
}

function page(ctx: KoaContextWithOIDC, html: string, status?: number): void {
  ctx.set(PAGE_HEADERS);
  if (status) ctx.status = status;
  ctx.body = html;
}

export function providerConfiguration(
  o: ProviderOptions,
  d: ProviderDeps,
  jwks: { keys: object[] },
): Configuration {
  const ttl = o.sessionTtl;
  return {
    adapter: artifactAdapter(d),
    jwks: jwks as Configuration['jwks'],
    // Every client comes from the adapter: our apps (see clients.ts).
    clients: [],
    findAccount: async (_ctx, sub) => {
      const user = await d.directory.getUser(sub);
      if (!user || user.blocked) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({
          sub: user.id,
          userpool_id: user.poolId,
          name: user.nickname ?? undefined,
          preferred_username: user.username ?? undefined,
          picture: user.photo ?? undefined,
          email: user.email ?? undefined,
          phone_number: user.phone ?? undefined,
          updated_at: Math.floor(user.updatedAt / 1000),
        }),
      };
    },
    // The provider's standard claims (amr: how the user signed in, `qr`), and the scopes' claims.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      iss: null,
      sid: null,
      ...CLAIMS,
    } as unknown as Configuration['claims'],
    scopes: [...SCOPES],
    // The authorization code flow only (with PKCE): no implicit or hybrid responses.
    responseTypes: ['code'],
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}`,
      policy: policy(d.isGrantLive),
    },
    routes: { ...OIDC_ROUTES },
    cookies: {
      keys: o.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    // Our keys are EC P-256: ES256 only, and nothing symmetric (the client secret is only a hash here).
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      introspectionSigningAlgValues: ['ES256'],
      authorizationSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256'],
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientDefaults: {
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    pkce: {
      // A public client must always use it; a confidential one too unless the operator relaxes it.
      required: (_ctx, client) => o.requirePkce || client.clientAuthMethod === 'none',
    },
    // Browsers may call the token, userinfo and revocation endpoints from the client's own origins.
    clientBasedCORS: (_ctx, origin, client) =>
      [...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])].some((u) => {
        try {
          return new URL(u).origin === origin;
        } catch {
          return false;
        }
      }),
    // A sign-in is a web session of the user: nothing born of it outlives it.
    ttl: {
      Session: ttl,
      Grant: ttl,
      RefreshToken: ttl,
      AccessToken: Math.min(3600, ttl),
      IdToken: Math.min(3600, ttl),
      AuthorizationCode: 60,
      DeviceCode: 600,
      Interaction: 3600,
    },
    // Refresh tokens for every client allowed the grant; they die with the grant (the web session).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // A browser's logout ends what it signed in; a device's tokens never hang on a browser session.
    expiresWithSession: async (_ctx, code) =>
      code.kind === 'AuthorizationCode' && !code.scopes.has('offline_access'),
    conformIdTokenClaims: true,
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: async (ctx, form, _out, err) => {
          const problem = err
            ? (err as { userCode?: string; name?: string }).userCode || err.name === 'NoCodeError'
              ? 'That code is not right, or it has expired. Check the code on the device and try again.'
              : err.name === 'AbortedError'
                ? 'The sign-in was cancelled.'
                : 'Something went wrong; try again.'
            : null;
          page(ctx, deviceInputPage(form, problem));
        },
        userCodeConfirmSource: async (ctx, form, client, deviceInfo, userCode) => {
          const info = deviceInfo as { ip?: string; ua?: string } | undefined;
          const seen = describeRequest(
            { ip: info?.ip ?? '', origin: null, userAgent: info?.ua ?? null },
            d.geo,
            // The hosted sign-in pages are English for now: their place names too.
            'en-US',
          );
          page(
            ctx,
            deviceConfirmPage({
              form,
              clientName: client.clientName ?? client.clientId,
              userCode,
              device: seen,
            }),
          );
        },
        successSource: async (ctx) => {
          page(ctx, deviceSuccessPage(ctx.oidc.client?.clientName ?? 'The app'));
        },
      },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          page(ctx, logoutPage(form, ctx.oidc.client?.clientName ?? null));
        },
        postLogoutSuccessSource: async (ctx) => {
          page(ctx, messagePage('Signed out', 'You are signed out. You can close this page.'));
        },
      },
      registration: { enabled: false },
      clientCredentials: { enabled: false },
    },
    renderError: async (ctx, out) => {
      page(ctx, messagePage('Sign-in failed', out.error_description ?? out.error), ctx.status);
    },
  } as Configuration;
}

/**
 * The provider for the keys in force. oidc-provider takes its keys once, at
 * construction, and signs with the first; our KeyRing rotates at run time
 * (publish first, sign later) and reloads what other instances rotated. So
 * the holder rebuilds the provider whenever the published set or the signing
 * key has changed: one new object per rotation step, cheap (state is all in
 * storage), and every instance follows its own KeyRing's reload.
 */
export class ProviderHolder {
  #built: {
    provider: Provider;
    callback: ReturnType<Provider['callback']>;
    jwks: unknown;
    kid: string;
  } | null = null;

  constructor(
    private readonly keys: KeyRing,
    private readonly build: (jwks: { keys: object[] }) => Provider,
  ) {}

  get provider(): Provider {
    return this.#current().provider;
  }

  /** The provider's Node request handler. */
  get callback(): ReturnType<Provider['callback']> {
    return this.#current().callback;
  }

  #current() {
    const jwks = this.keys.jwks;
    const kid = this.keys.signer.kid;
    const built = this.#built;
    if (built && built.jwks === jwks && built.kid === kid) return built;
    const provider = this.build({ keys: this.keys.privateJwks() });
    this.#built = { provider, callback: provider.callback(), jwks, kid };
    return this.#built;
  }
}

/** Makes a provider: configuration, the hashed client secret check, and our post-processing. */
export function createProvider(o: ProviderOptions, d: ProviderDeps, jwks: { keys: object[] }): Provider {
  const provider = new Provider(o.issuer, providerConfiguration(o, d, jwks));
  // Our mount sets X-Forwarded-* from the service's own view of the request (see routes/oidc/provider.ts).
  provider.proxy = true;
  // Apps store only the SHA-256 of their secret. The provider compares client secrets through this
  // method (oidc-provider's documented way to overload it, for hashed secrets): hash what the client
  // presents and compare with the stored digest. Presenting the digest itself fails (it hashes again).
  provider.Client.prototype.compareClientSecret = function compareHashed(
    this: { clientSecret?: string },
    actual,
  ) {
    return typeof this.clientSecret === 'string' && safeEqual(sha256Hex(actual), this.clientSecret);
  };
  // RFC 8628 §3.2: tell the device how often it may poll (slow_down enforces it: device-polling.ts).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && ctx.body) {
      (ctx.body as Record<string, unknown>).interval = o.pollInterval;
    }
  });
  provider.on('server_error', (_ctx, err) => d.onServerError(err));
  return provider;
}
