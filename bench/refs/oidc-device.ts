/**
 * Reference 2: oidc-provider (the certified OpenID Connect server for Node)
 * with the OAuth 2.0 device authorization grant (RFC 8628) on its default
 * in-memory adapter. The device flow is the standard protocol closest to a QR
 * login: the device asks for a code (like our `gene`), then polls the token
 * endpoint, which answers `authorization_pending` until the user approves
 * (like our `check` at status 0).
 *   node --import tsx bench/refs/oidc-device.ts <port>
 *
 * One public client (token_endpoint_auth_method 'none') allowed the device
 * grant. No signing keys are configured, so the provider makes development
 * keys and warns about it: irrelevant to the two endpoints measured, which
 * sign nothing.
 */
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'bench-device',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  features: {
    deviceFlow: { enabled: true },
    // The development login pages are not needed: nobody approves in this benchmark.
    devInteractions: { enabled: false },
  },
  cookies: { keys: ['bench-only-cookie-signing-key'] },
});

const server = http.createServer(provider.callback());
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
