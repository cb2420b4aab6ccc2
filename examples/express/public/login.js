// The login page's script. ScanLogin is the global of the web SDK's <script> bundle.
const box = document.getElementById('qrcode');
const client = new ScanLogin.AuthenticationClient({
  appId: box.dataset.appId,
  appHost: box.dataset.appHost,
  lang: 'en-US',
});
client.qrcode.startScanning('qrcode', {
  // The backend redeems the ticket with the app secret; the browser never holds the user's token.
  autoExchangeUserInfo: false,
  onSuccess: async (_userInfo, ticket) => {
    const res = await fetch('/auth/ticket', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    if (res.ok) {
      location.assign('/profile');
      return;
    }
    const error = document.getElementById('login-error');
    error.textContent = `Login failed: ${(await res.json()).message}`;
    error.hidden = false;
  },
});
