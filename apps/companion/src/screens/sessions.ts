/**
 * Signed-in devices: the app sessions of the account (this phone and any
 * other), to sign one out. Signing out another device ends its token at the
 * service at once; signing out this one is the same as "Log out".
 */
import { hasErrorName, isAuthError } from '@scanlogin/app-sdk';
import { appSessionView, deviceSignedOutLine } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App } from './app.js';

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
          const li = document.createElement('li');
          li.dataset.session = v.id;
          if (v.current) li.dataset.current = 'true';
          const details = document.createElement('div');
          const device = document.createElement('span');
          device.className = 'site';
          device.textContent = v.device;
          const lines = [v.app, v.where, v.since].map((text) => {
            const line = document.createElement('span');
            line.className = 'line';
            line.textContent = text;
            return line;
          });
          details.append(device, ...lines);
          const signOut = document.createElement('button');
          signOut.type = 'button';
          signOut.className = 'quiet danger';
          signOut.textContent = app.t.screens.signOut;
          signOut.setAttribute('aria-label', v.signOutLabel);
          signOut.addEventListener('click', () =>
            v.current
              ? app.go.signIn(app.t.screens.signedOut)
              : void signOutOther(li, signOut, v.device, v.id),
          );
          li.append(details, signOut);
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

  async function signOutOther(row: HTMLElement, button: HTMLButtonElement, device: string, id: string) {
    const client = app.account.client;
    if (!client) return;
    button.disabled = true;
    try {
      await client.revokeAppSession(id);
    } catch (err) {
      if (isAuthError(err)) {
        app.go.problem(err, 'sites');
        return;
      }
      // Gone already (signed out, or expired): what the user wanted is true.
      if (!hasErrorName(err, 'APP_SESSION_NOT_FOUND')) {
        const p = describeProblem(err, 'sites', app.lang);
        setText(ui.status, app.t.screens.notSignedOut(device, app.t.problemLine(p.title, p.detail)));
        button.disabled = false;
        return;
      }
    }
    // Focus was on the row's button, which goes away: keep it in the list's screen.
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    const line = deviceSignedOutLine(device, app.lang);
    setText(ui.status, line);
    app.shell.announce(line);
    ((next?.querySelector('button') as HTMLElement | null) ?? ui.title).focus();
  }

  ui.refresh.addEventListener('click', () => void load());
  $('sessions-back').addEventListener('click', () => app.go.home());

  return { show };
}
