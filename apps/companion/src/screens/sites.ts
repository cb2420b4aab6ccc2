/** Signed-in websites: the web sessions the user's QR logins opened, to sign out one or all. */
import { isAuthError } from '@scanlogin/app-sdk';
import { signedOutLine, signOutEverywhereQuestion, webSessionView } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App } from './app.js';
import { signOutOne, signOutRow } from './sign-out-list.js';

export function sitesScreen(app: App) {
  const ui = {
    title: $('sites-title'),
    refresh: $<HTMLButtonElement>('sites-refresh'),
    status: $('sites-status'),
    list: $('sites-list'),
    all: $('sites-all'),
    revokeAll: $<HTMLButtonElement>('sites-revoke-all'),
    confirm: $('sites-confirm'),
    confirmText: $('sites-confirm-text'),
    confirmNo: $<HTMLButtonElement>('sites-confirm-no'),
    confirmYes: $<HTMLButtonElement>('sites-confirm-yes'),
  };

  function show(): void {
    if (!app.account.client) {
      app.show('signin');
      return;
    }
    ui.list.replaceChildren();
    ui.all.hidden = true;
    app.show('sites');
    void load();
  }

  /** How many websites the list shows now (rows go away one by one as they are signed out). */
  const count = () => ui.list.children.length;

  /** After the list changed: the status line says `done` (what just happened) and whether any website is left. */
  function statusAfterChange(done = ''): void {
    const empty = count() === 0;
    ui.all.hidden = empty;
    const left = empty ? app.t.screens.noSites : '';
    setText(ui.status, [done, left].filter(Boolean).join(' '));
  }

  async function load(): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    setText(ui.status, app.t.screens.loading);
    ui.refresh.disabled = true;
    closeEverywhere(false);
    try {
      const sessions = await client.listWebSessions();
      const now = Date.now();
      ui.list.replaceChildren(
        ...sessions.map((w) => {
          const v = webSessionView(w, now, app.lang);
          const lines = [
            // An address in the address-bar face; "unknown" in the text's own.
            { text: v.origin, className: v.originKnown ? 'origin' : 'line' },
            ...[v.where, v.device, v.since].map((text) => ({ text, className: 'line' })),
          ];
          return signOutRow(app, { id: v.id, title: v.site, lines, label: v.signOutLabel }, (li, button) => {
            const client = app.account.client;
            if (!client) return;
            void signOutOne(app, {
              row: li,
              button,
              name: v.site,
              revoke: () => client.revokeWebSession(v.id),
              gone: 'WEB_SESSION_NOT_FOUND',
              status: ui.status,
              fallbackFocus: ui.title,
              signedOutLine: signedOutLine(1, app.lang, v.site),
              done: statusAfterChange,
            });
          });
        }),
      );
      statusAfterChange();
    } catch (err) {
      if (isAuthError(err)) {
        app.go.problem(err, 'sites');
        return;
      }
      const p = describeProblem(err, 'sites', app.lang);
      setText(ui.status, app.t.screens.refreshToRetry(p.title));
    } finally {
      ui.refresh.disabled = false;
    }
  }

  /** The destructive "everywhere" asks first; the question names how many websites it ends. */
  function openEverywhere(): void {
    const question = signOutEverywhereQuestion(count(), app.lang);
    if (!question) return;
    setText(ui.confirmText, question);
    ui.confirm.hidden = false;
    ui.revokeAll.hidden = true;
    ui.confirmYes.disabled = false;
    ui.confirmNo.disabled = false;
    // The safe answer gets the focus.
    ui.confirmNo.focus();
    app.shell.announce(question);
  }

  function closeEverywhere(refocus = true): void {
    ui.confirm.hidden = true;
    ui.revokeAll.hidden = false;
    if (refocus) ui.revokeAll.focus();
  }

  async function signOutEverywhere(): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    ui.confirmYes.disabled = true;
    ui.confirmNo.disabled = true;
    try {
      const revoked = await client.revokeAllWebSessions();
      ui.list.replaceChildren();
      closeEverywhere(false);
      const line = signedOutLine(revoked, app.lang);
      statusAfterChange(line);
      app.shell.announce(line);
      ui.title.focus();
    } catch (err) {
      if (isAuthError(err)) {
        app.go.problem(err, 'sites');
        return;
      }
      const p = describeProblem(err, 'sites', app.lang);
      closeEverywhere();
      setText(ui.status, app.t.screens.nothingSignedOut(app.t.problemLine(p.title, p.detail)));
    }
  }

  ui.refresh.addEventListener('click', () => void load());
  $('sites-back').addEventListener('click', () => app.go.home());
  ui.revokeAll.addEventListener('click', () => openEverywhere());
  ui.confirmNo.addEventListener('click', () => closeEverywhere());
  ui.confirmYes.addEventListener('click', () => void signOutEverywhere());

  return { show };
}
