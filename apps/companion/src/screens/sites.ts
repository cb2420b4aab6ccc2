/** Signed-in websites: the web sessions the user's QR logins opened, to sign out one or all. */
import { hasErrorName, isAuthError } from '@scanlogin/app-sdk';
import { signedOutLine, signOutEverywhereQuestion, webSessionView } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App } from './app.js';

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
          const li = document.createElement('li');
          li.dataset.session = v.id;
          const details = document.createElement('div');
          const site = document.createElement('span');
          site.className = 'site';
          site.textContent = v.site;
          const origin = document.createElement('span');
          // An address in the address-bar face; "unknown" in the text's own.
          origin.className = v.originKnown ? 'origin' : 'line';
          origin.textContent = v.origin;
          const lines = [v.where, v.device, v.since].map((text) => {
            const line = document.createElement('span');
            line.className = 'line';
            line.textContent = text;
            return line;
          });
          details.append(site, origin, ...lines);
          const signOut = document.createElement('button');
          signOut.type = 'button';
          signOut.className = 'quiet danger';
          signOut.textContent = app.t.screens.signOut;
          signOut.setAttribute('aria-label', v.signOutLabel);
          signOut.addEventListener('click', () => void signOutOne(li, signOut, v.site, v.id));
          li.append(details, signOut);
          return li;
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

  async function signOutOne(row: HTMLElement, button: HTMLButtonElement, site: string, id: string) {
    const client = app.account.client;
    if (!client) return;
    button.disabled = true;
    try {
      await client.revokeWebSession(id);
    } catch (err) {
      if (isAuthError(err)) {
        app.go.problem(err, 'sites');
        return;
      }
      // Gone already (signed out elsewhere, or expired): what the user wanted is true.
      if (!hasErrorName(err, 'WEB_SESSION_NOT_FOUND')) {
        const p = describeProblem(err, 'sites', app.lang);
        setText(ui.status, app.t.screens.notSignedOut(site, app.t.problemLine(p.title, p.detail)));
        button.disabled = false;
        return;
      }
    }
    // Focus was on the row's button, which goes away: keep it in the list's screen.
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    const line = signedOutLine(1, app.lang, site);
    statusAfterChange(line);
    app.shell.announce(line);
    ((next?.querySelector('button') as HTMLElement | null) ?? ui.title).focus();
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
