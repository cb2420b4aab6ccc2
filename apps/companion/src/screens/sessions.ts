/**
 * Signed-in devices: the app sessions of the account (this phone and any
 * other), to sign one out. Signing out another device ends its token at the
 * service at once; signing out this one is the same as "Log out".
 */
import { isAuthError } from '@scanlogin/app-sdk';
import { appSessionView, deviceSignedOutLine } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App } from './app.js';
import { signOutOne, signOutRow } from './sign-out-list.js';

export function sessionsScreen(app: App) {
  const ui = {
    title: $('sessions-title'),
    refresh: $<HTMLButtonElement>('sessions-refresh'),
    status: $('sessions-status'),
    list: $('sessions-list'),
  };

  function show(): void {
    if (!app.account.client) {
      app.show('signin');
      return;
    }
    ui.list.replaceChildren();
    app.show('sessions');
    void load();
  }

  async function load(): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    setText(ui.status, app.t.screens.loading);
    ui.refresh.disabled = true;
    try {
      const sessions = await client.listAppSessions();
      const now = Date.now();
      // This phone first: the one the user knows, then the others newest first (as the service sends them).
      const views = sessions.map((a) => appSessionView(a, now, app.lang));
      views.sort((a, b) => Number(b.current) - Number(a.current));
      ui.list.replaceChildren(
        ...views.map((v) => {
          const lines = [v.app, v.where, v.since].map((text) => ({ text, className: 'line' }));
          const li = signOutRow(
            app,
            { id: v.id, title: v.device, lines, label: v.signOutLabel },
            (row, button) => {
              if (v.current) {
                app.go.signIn(app.t.screens.signedOut);
                return;
              }
              const client = app.account.client;
              if (!client) return;
              void signOutOne(app, {
                row,
                button,
                name: v.device,
                revoke: () => client.revokeAppSession(v.id),
                gone: 'APP_SESSION_NOT_FOUND',
                status: ui.status,
                fallbackFocus: ui.title,
                signedOutLine: deviceSignedOutLine(v.device, app.lang),
                done: (line) => setText(ui.status, line),
              });
            },
          );
          if (v.current) li.dataset.current = 'true';
          return li;
        }),
      );
      setText(ui.status, views.length ? '' : app.t.screens.noSessions);
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

  ui.refresh.addEventListener('click', () => void load());
  $('sessions-back').addEventListener('click', () => app.go.home());

  return { show };
}
