// The hosted sign-in page (an OpenID Connect login interaction). The web SDK draws the QR code and
// follows it (push, rotation, binding, check code); once the phone approves, the page hands the
// ticket to its interaction, which redeems it on the server and sends the browser on. Plain script,
// no build: served as is from /oidc/assets/.
(() => {
  const config = JSON.parse(document.getElementById('sign-in-config').textContent);
  const status = document.getElementById('sign-in-status');
  const shortCode = document.getElementById('short-code');

  const say = (text) => {
    status.textContent = text;
  };

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => null);
    if (answer?.code !== 200) throw new Error(answer?.message ?? `HTTP ${res.status}`);
    return answer.data;
  }

  // The letters stand for the code on show: a new code (refresh, after a denial) gets new letters.
  async function showShortCode(random) {
    shortCode.textContent = '…';
    try {
      shortCode.textContent = (await post(config.shortCodeUrl, { random })).code;
    } catch {
      shortCode.textContent = 'unavailable';
    }
  }

  document.getElementById('cancel').addEventListener('click', () => {
    post(config.abortUrl, {}).then(
      (d) => location.assign(d.redirectTo),
      (err) => say(err.message),
    );
  });

  if (typeof ScanLogin === 'undefined') {
    say('The QR code cannot be shown here (the web SDK is not built on this server).');
    return;
  }
  const client = new ScanLogin.AuthenticationClient({
    appId: config.clientId,
    appHost: config.issuer,
    lang: 'en-US',
  });
  client.qrcode.startScanning('qrcode', {
    autoExchangeUserInfo: false,
    autoRefresh: true,
    onCodeLoaded: (random) => {
      void showShortCode(random);
    },
    onSuccess: (_user, ticket) => {
      say('Approved on your phone. Signing you in…');
      post(config.qrUrl, { ticket }).then(
        (d) => location.assign(d.redirectTo),
        (err) => say(`The sign-in could not be finished: ${err.message}`),
      );
    },
  });
})();
