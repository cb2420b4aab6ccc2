/**
 * The confirm screen: which site asks, from where, on what browser, until
 * when; what the page says about itself, apart and marked as unchecked; the
 * check-code numbers when the pool asks for them; Deny exactly as prominent
 * as Approve.
 */
import type { ScanResult } from '@scanlogin/app-sdk';
import { confirmView, expiryLine } from '../format.js';
import { $, setText, showAppIdentity, showError } from '../shell.js';
import type { App } from './app.js';

export function confirmScreen(app: App) {
  const ui = {
    proximity: $('confirm-proximity'),
    checkCode: $('check-code'),
    checkCodeChoices: $('check-code-choices'),
    logo: $<HTMLImageElement>('confirm-logo'),
    initial: $('confirm-initial'),
    app: $('confirm-app'),
    origin: $('confirm-origin'),
    where: $('confirm-where'),
    device: $('confirm-device'),
    time: $('confirm-time'),
    expiry: $('confirm-expiry'),
    pageContext: $('confirm-page-context'),
    pageContextLines: $('confirm-page-context-lines'),
    pageContextMore: $('confirm-page-context-more'),
    deny: $<HTMLButtonElement>('deny'),
    approve: $<HTMLButtonElement>('approve'),
  };
  let pending: ScanResult | null = null;
  /** The check-code number the user picked. */
  let picked: number | null = null;
  let expiryTimer: ReturnType<typeof setInterval> | null = null;
  const stopTicking = () => {
    if (expiryTimer !== null) clearInterval(expiryTimer);
    expiryTimer = null;
  };
  app.shell.onLeave('confirm', stopTicking);

  function show(r: ScanResult): void {
    pending = r;
    const v = confirmView(r.context, Date.now(), location.origin, app.lang);
    showAppIdentity(ui, v);
    setText(ui.origin, v.origin);
    setText(ui.where, v.where);
    setText(ui.device, v.device);
    setText(ui.time, v.time);
    showError(ui.proximity, v.proximityWarning);
    // The page's own words: text only, in their own box below the facts (never in their places).
    ui.pageContext.hidden = v.pageContext === null;
    ui.pageContextLines.replaceChildren(
      ...(v.pageContext?.lines ?? []).flatMap(({ key, value }) => {
        const dt = document.createElement('dt');
        dt.textContent = key;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
      }),
    );
    showError(ui.pageContextMore, v.pageContext?.more ?? null);
    picked = null;
    ui.checkCode.hidden = v.checkChoices === null;
    ui.checkCodeChoices.replaceChildren(
      ...(v.checkChoices ?? []).map((n) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = String(n);
        b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', () => {
          picked = n;
          for (const other of ui.checkCodeChoices.querySelectorAll('button')) {
            other.setAttribute('aria-pressed', String(other === b));
          }
          ui.approve.disabled = false;
        });
        return b;
      }),
    );
    const tick = () => setText(ui.expiry, expiryLine(v.expiresAt, Date.now(), app.lang) ?? '');
    tick();
    ui.deny.disabled = false;
    // With a check code, Approve waits for the user's pick.
    ui.approve.disabled = v.checkChoices !== null;
    app.show('confirm');
    stopTicking();
    expiryTimer = setInterval(tick, 1000);
    app.shell.announce(app.t.screens.askToConfirm(v.appName, v.origin));
  }

  /** Approves or refuses `r` (also the step-up screen's Deny), then shows the outcome. */
  async function decide(r: ScanResult, approve: boolean): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    ui.deny.disabled = true;
    ui.approve.disabled = true;
    const v = confirmView(r.context, Date.now(), location.origin, app.lang);
    const number = picked;
    const t = app.t.screens;
    try {
      if (!approve) await client.cancel(r.qr.random);
      else await client.confirm(r.qr.random, number === null ? {} : { checkCode: number });
      pending = null;
      app.go.result(
        approve
          ? {
              tone: 'ok',
              title: t.approvedTitle,
              detail: t.approvedDetail(v.appName, v.origin),
              actions: ['home', 'scan-again'],
            }
          : { tone: 'denied', title: t.deniedTitle, detail: t.deniedDetail, actions: ['home', 'scan-again'] },
      );
    } catch (err) {
      // "Try again" goes back to the confirm screen, so the choice is made again, knowingly.
      app.go.problem(err, 'decide', () => show(r));
    }
  }

  ui.deny.addEventListener('click', () => pending && void decide(pending, false));
  ui.approve.addEventListener('click', () => pending && void decide(pending, true));

  return { show, deny: (r: ScanResult) => void decide(r, false) };
}
