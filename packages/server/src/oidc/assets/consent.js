// The consent page: Allow or Deny, then on to wherever the provider sends the browser.
(() => {
  const config = JSON.parse(document.getElementById('consent-config').textContent);
  const status = document.getElementById('consent-status');
  const buttons = [document.getElementById('allow'), document.getElementById('deny')];

  async function answer(allow) {
    for (const b of buttons) b.disabled = true;
    try {
      const res = await fetch(config.consentUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ allow }),
      });
      const body = await res.json();
      if (body.code !== 200) throw new Error(body.message);
      location.assign(body.data.redirectTo);
    } catch (err) {
      status.textContent = `That did not work: ${err.message}`;
      for (const b of buttons) b.disabled = false;
    }
  }

  buttons[0].addEventListener('click', () => void answer(true));
  buttons[1].addEventListener('click', () => void answer(false));
})();
