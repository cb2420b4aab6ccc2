// The login page's script, bundled by the test from @scanlogin/web-sdk as
// installed from its tarball (the import resolves in the project's node_modules).
import { AuthenticationClient } from '@scanlogin/web-sdk';

const box = document.getElementById('qrcode');
const who = document.getElementById('who');
const client = new AuthenticationClient({
  appId: box.dataset.appId,
  appHost: box.dataset.appHost,
  lang: 'en-US',
});
client.qrcode.startScanning('qrcode', {
  // The backend redeems the ticket with the app secret; the browser never sees the user's token.
  autoExchangeUserInfo: false,
  onSuccess: async (_userInfo, ticket) => {
    const res = await fetch('/ticket', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    if (!res.ok) {
      who.dataset.state = 'failed';
      who.textContent = `Login failed (${res.status})`;
      return;
    }
    const { nickname } = await res.json();
    // A later request: the backend checks the HttpOnly cookie it set.
    const me = await (await fetch('/me')).json();
    who.textContent = `Signed in as ${nickname} (${me.sub})`;
    who.dataset.state = 'signed-in';
  },
});
