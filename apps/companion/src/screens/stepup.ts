/** Step-up: a request from far away needs the password again before the confirm screen. */
import type { ScanResult } from '@scanlogin/app-sdk';
import { confirmView } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText, showError } from '../shell.js';
import type { App } from './app.js';

export function stepUpScreen(app: App, deny: (r: ScanResult) => void) {
  const ui = {
    app: $('stepup-app'),
    origin: $('stepup-origin'),
    where: $('stepup-where'),
    form: $<HTMLFormElement>('stepup-form'),
    password: $<HTMLInputElement>('stepup-password'),
    error: $('stepup-error'),
    deny: $<HTMLButtonElement>('stepup-deny'),
    continue: $<HTMLButtonElement>('stepup-continue'),
  };
  let pending: ScanResult | null = null;

  function show(r: ScanResult): void {
    pending = r;
    const v = confirmView(r.context, Date.now(), location.origin, app.lang);
    setText(ui.app, v.appName);
    setText(ui.origin, v.origin);
    setText(ui.where, v.where);
    ui.password.value = '';
    showError(ui.error, null);
    ui.deny.disabled = false;
    ui.continue.disabled = false;
    app.show('stepup');
    app.shell.announce(app.t.screens.stepUpAsk);
  }

  async function proceed(): Promise<void> {
    const r = pending;
    const client = app.account.client;
    if (!r || !client) return;
    const password = ui.password.value;
    if (!password) {
      showError(ui.error, app.t.screens.enterPassword);
      ui.password.focus();
      return;
    }
    ui.deny.disabled = true;
    ui.continue.disabled = true;
    try {
      await client.stepUp(r.qr.random, password);
      ui.password.value = '';
      // The context again: the confirm screen shows what the service knows now.
      app.go.confirm({ ...r, context: await client.getRequestContext(r.qr.random) });
    } catch (err) {
      const p = describeProblem(err, 'decide', app.lang);
      if (p.id === 'wrong-password') {
        showError(ui.error, app.t.problemLine(p.title, p.detail));
        ui.deny.disabled = false;
        ui.continue.disabled = false;
        ui.password.select();
        ui.password.focus();
        return;
      }
      app.go.problem(err, 'decide', () => show(r));
    }
  }

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void proceed();
  });
  ui.deny.addEventListener('click', () => {
    if (!pending) return;
    ui.deny.disabled = true;
    ui.continue.disabled = true;
    deny(pending);
  });

  return { show };
}
