/**
 * Reference 2: oidc-provider (the certified OpenID Connect server for Node),
 * bare: the same library our OpenID provider is built on, without our storage,
 * sign-in or rules. Two of its flows are measured beside ours:
 *
 * - the OAuth 2.0 device authorization grant (RFC 8628): the device asks for a
 *   code (like our `gene`), then polls the token endpoint, which answers
 *   `authorization_pending` until the user approves (like our `check` at
 *   status 0). One public client (token_endpoint_auth_method 'none').
 * - the authorization code grant with PKCE: the code redemption at the token
 *   endpoint (it signs an ES256 ID token, like ours). One confidential client;
 *   its login interaction is answered at once (`/interaction/:uid` signs in
 *   the account `bench` and grants `openid`), so the harness can make codes
 *   with plain HTTP.
 *
 *   node --import tsx bench/refs/oidc-device.ts <port>
 *
 * Storage is an unbounded in-memory Map, the cheapest there is (the default
 * in-memory adapter is an LRU of 1,000 entries, too few to hold the codes of
 * a measured run). The signing key is one P-256 key made at start, like the
 * key ring's.
 */
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const issuer = `http://127.0.0.1:${port}`;

type Payload = Record<string, unknown>;
const store = new Map<string, Payload>();
const byUid = new Map<string, string>();
const byUserCode = new Map<string, string>();
const byGrant = new Map<string, Set<string>>();

/** The adapter interface (example/my_adapter.js in oidc-provider) over plain Maps; no expiry sweep. */
class MapAdapter {
  constructor(readonly name: string) {}
  key(id: string) {
    return `${this.name}:${id}`;
  }
  async upsert(id: string, payload: Payload) {
    store.set(this.key(id), payload);
    if (typeof payload.uid === 'string') byUid.set(payload.uid, id);
    if (typeof payload.userCode === 'string') byUserCode.set(payload.userCode, id);
    if (typeof payload.grantId === 'string') {
      const set = byGrant.get(payload.grantId) ?? new Set<string>();
      set.add(this.key(id));
      byGrant.set(payload.grantId, set);
    }
  }
  async find(id: string) {
    return store.get(this.key(id));
  }
  async findByUid(uid: string) {
    const id = byUid.get(uid);
    return id ? this.find(id) : undefined;
  }
  async findByUserCode(userCode: string) {
    const id = byUserCode.get(userCode);
    return id ? this.find(id) : undefined;
  }
  async consume(id: string) {
    const p = store.get(this.key(id));
    if (p) p.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const key of byGrant.get(grantId) ?? []) store.delete(key);
    byGrant.delete(grantId);
  }
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' }] },
  clients: [
    {
      client_id: 'bench-device',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: 'bench-code',
      client_secret: 'bench-code-secret',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:9/cb'],
    },
  ],
  // The one key is EC P-256: every client signs its ID tokens with ES256.
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: {
    deviceFlow: { enabled: true },
    // The development login pages are not needed: the interaction below answers at once.
    devInteractions: { enabled: false },
  },
  cookies: { keys: ['bench-only-cookie-signing-key'] },
});

const callback = provider.callback();

/** The login interaction, answered without asking anyone: account `bench`, scope `openid` granted. */
async function interaction(req: http.IncomingMessage, res: http.ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: 'bench', clientId: String(details.params.client_id) });
  grant.addOIDCScope('openid');
  await provider.interactionFinished(req, res, {
    login: { accountId: 'bench' },
    consent: { grantId: await grant.save() },
  });
}

const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    interaction(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
    return;
  }
  callback(req, res);
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
