/** The start screen: scan a code, open the signed-in websites, and the recent QR logins. */
import { isAuthError } from '@scanlogin/app-sdk';
import { historyView } from '../format.js';
import { describeProblem } from '../messages.js';
import { $, setText } from '../shell.js';
import type { App } from './app.js';

export function homeScreen(app: App) {
  const ui = {
    name: $('home-name'),
    refresh: $<HTMLButtonElement>('history-refresh'),
    status: $('history-status'),
    list: $('history-list'),
  };

  function show(): void {
    const session = app.account.session;
    if (!session) {
      app.show('signin');
      return;
    }
    setText(ui.name, session.name || app.t.screens.someone);
    app.show('home');
    void loadHistory();
  }

  async function loadHistory(): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    setText(ui.status, app.t.screens.loading);
    ui.refresh.disabled = true;
    try {
      const entries = await client.history();
      const now = Date.now();
      ui.list.replaceChildren(
        ...entries.map((e) => {
          const v = historyView(e, now, app.lang);
          const li = document.createElement('li');
          const outcome = document.createElement('span');
          outcome.className = `outcome outcome-${v.outcomeKey}`;
          outcome.textContent = v.outcome;
          const site = document.createElement('span');
          site.className = 'site';
          site.textContent = v.site;
          const lines = [v.origin, v.where, v.time].map((text) => {
            const line = document.createElement('span');
            line.className = 'line';
            line.textContent = text;
            return line;
          });
          li.append(outcome, site, ...lines);
          return li;
        }),
      );
      setText(ui.status, entries.length ? '' : app.t.screens.noHistory);
    } catch (err) {
      if (isAuthError(err)) {
        app.go.problem(err, 'history');
        return;
      }
      const p = describeProblem(err, 'history', app.lang);
      setText(ui.status, app.t.screens.refreshToRetry(p.title));
    } finally {
      ui.refresh.disabled = false;
    }
  }

  $('scan-start').addEventListener('click', () => app.go.scan());
  $('code-start').addEventListener('click', () => app.go.code());
  $('sites-open').addEventListener('click', () => app.go.sites());
  $('sessions-open').addEventListener('click', () => app.go.sessions());
  ui.refresh.addEventListener('click', () => void loadHistory());

  return { show };
}
