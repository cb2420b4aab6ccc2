/**
 * "Enter a code": the letters a TV, console or terminal shows (an OAuth
 * device's user code), or those under a sign-in page's QR code when the
 * camera cannot read it. The service says which: a device's request gets its
 * own confirm screen, a sign-in page's code goes on exactly as if scanned.
 */
import { $, setText, showError } from '../shell.js';
import type { App } from './app.js';

/** Letters only, upper case, grouped 4-4 as the device shows them. */
export function tidyCode(input: string): string {
  const letters = input
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 8);
  return letters.length > 4 ? `${letters.slice(0, 4)}-${letters.slice(4)}` : letters;
}

/**
 * The user code in a device's QR code: RFC 8628's `verification_uri_complete`
 * of this service (its /oidc/device page with `user_code`). Null for any other text.
 */
export function userCodeFromLink(text: string, serviceOrigin: string): string | null {
  try {
    const u = new URL(text.trim());
    if (u.origin !== serviceOrigin || u.pathname !== '/oidc/device') return null;
    const code = u.searchParams.get('user_code');
    return code ? tidyCode(code) : null;
  } catch {
    return null;
  }
}

export function codeScreen(app: App) {
  const ui = {
    form: $<HTMLFormElement>('code-form'),
    input: $<HTMLInputElement>('code-input'),
    error: $('code-error'),
    submit: $<HTMLButtonElement>('code-submit'),
    busyTitle: $('busy-title'),
  };

  function show(): void {
    if (!app.account.client) {
      app.show('signin');
      return;
    }
    ui.input.value = '';
    showError(ui.error, null);
    ui.submit.disabled = false;
    app.show('code');
    ui.input.focus();
  }

  async function submit(): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    const code = tidyCode(ui.input.value);
    if (code.replace('-', '').length !== 8) {
      showError(ui.error, app.t.screens.codeShape);
      ui.input.focus();
      return;
    }
    showError(ui.error, null);
    await resolve(code);
  }

  /** Asks the service what `code` stands for and goes on to that confirm screen. */
  async function resolve(code: string): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    setText(ui.busyTitle, app.t.page.checking);
    app.show('busy');
    try {
      const found = await client.resolveCode(code);
      if (found.kind === 'device') app.go.device(found.device);
      else app.go.scanText(found.payload);
    } catch (err) {
      app.go.problem(err, 'code', show);
    }
  }

  ui.input.addEventListener('input', () => {
    const tidy = tidyCode(ui.input.value);
    if (tidy !== ui.input.value) ui.input.value = tidy;
  });
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  $('code-cancel').addEventListener('click', () => app.go.home());

  return { show, resolve };
}
