/** Signing in on this phone, and out again. */
import { describeProblem } from '../messages.js';
import { $, setText, showError } from '../shell.js';
import type { App } from './app.js';

export function signInScreen(app: App) {
  const ui = {
    form: $<HTMLFormElement>('signin-form'),
    account: $<HTMLInputElement>('account'),
    password: $<HTMLInputElement>('password'),
    error: $('signin-error'),
    submit: $<HTMLButtonElement>('signin-submit'),
  };

  async function signIn(): Promise<void> {
    const account = ui.account.value.trim();
    const password = ui.password.value;
    if (!account || !password) {
      showError(ui.error, app.t.screens.enterAccountAndPassword);
      (account ? ui.password : ui.account).focus();
      return;
    }
    showError(ui.error, null);
    ui.submit.disabled = true;
    setText(ui.submit, app.t.screens.signingIn);
    try {
      const session = await app.account.signIn(account, password);
      ui.password.value = '';
      app.go.home();
      app.shell.announce(app.t.screens.signedInAs(session.name));
    } catch (err) {
      const p = describeProblem(err, 'sign-in', app.lang);
      showError(ui.error, app.t.problemLine(p.title, p.detail));
      if (p.id === 'wrong-credentials') {
        ui.password.select();
        ui.password.focus();
      }
    } finally {
      ui.submit.disabled = false;
      setText(ui.submit, app.t.page.signIn);
    }
  }

  /** Signs out and shows the form; `message` is read out. */
  function signOut(message?: string): void {
    app.account.signOut();
    ui.password.value = '';
    showError(ui.error, null);
    app.show('signin');
    if (message) app.shell.announce(message);
  }

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn();
  });
  $('logout').addEventListener('click', () => signOut(app.t.screens.signedOut));

  return { signOut };
}
