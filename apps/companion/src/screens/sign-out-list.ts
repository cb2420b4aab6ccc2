/**
 * What the two sign-out lists share (signed-in websites, signed-in devices):
 * a row that names what is signed in and carries its own Sign out button, and
 * signing one row out at the service, then taking the row away.
 */
import { hasErrorName, isAuthError, type ScanloginErrorName } from '@scanlogin/app-sdk';
import { describeProblem } from '../messages.js';
import { setText } from '../shell.js';
import type { App } from './app.js';

/** A line under a row's title, with the class that sets its face. */
export interface RowLine {
  text: string;
  className: string;
}

/** One row: its title, its lines, and a Sign out button named for it (`label`) for screen readers. */
export function signOutRow(
  app: App,
  row: { id: string; title: string; lines: readonly RowLine[]; label: string },
  onSignOut: (li: HTMLLIElement, button: HTMLButtonElement) => void,
): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.session = row.id;
  const details = document.createElement('div');
  const title = document.createElement('span');
  title.className = 'site';
  title.textContent = row.title;
  const lines = row.lines.map(({ text, className }) => {
    const line = document.createElement('span');
    line.className = className;
    line.textContent = text;
    return line;
  });
  details.append(title, ...lines);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'quiet danger';
  button.textContent = app.t.screens.signOut;
  button.setAttribute('aria-label', row.label);
  button.addEventListener('click', () => onSignOut(li, button));
  li.append(details, button);
  return li;
}

/**
 * Signs one row out at the service (`revoke`) and takes its row away. Gone
 * already (`gone`: signed out elsewhere, or expired) is what the user wanted,
 * so it counts as done; any other failure is said in `status` and the button
 * works again. `done` is told the line to show and announce.
 */
export async function signOutOne(
  app: App,
  opts: {
    row: HTMLElement;
    button: HTMLButtonElement;
    name: string;
    revoke: () => Promise<unknown>;
    gone: ScanloginErrorName;
    status: HTMLElement;
    /** Where focus goes when the list is left empty. */
    fallbackFocus: HTMLElement;
    signedOutLine: string;
    done: (line: string) => void;
  },
): Promise<void> {
  opts.button.disabled = true;
  try {
    await opts.revoke();
  } catch (err) {
    if (isAuthError(err)) {
      app.go.problem(err, 'sites');
      return;
    }
    if (!hasErrorName(err, opts.gone)) {
      const p = describeProblem(err, 'sites', app.lang);
      setText(opts.status, app.t.screens.notSignedOut(opts.name, app.t.problemLine(p.title, p.detail)));
      opts.button.disabled = false;
      return;
    }
  }
  // Focus was on the row's button, which goes away: keep it in the list's screen.
  const next = opts.row.nextElementSibling ?? opts.row.previousElementSibling;
  opts.row.remove();
  opts.done(opts.signedOutLine);
  app.shell.announce(opts.signedOutLine);
  ((next?.querySelector('button') as HTMLElement | null) ?? opts.fallbackFocus).focus();
}
