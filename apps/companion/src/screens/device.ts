/**
 * The confirm screen of a device's sign-in request (RFC 8628): which app,
 * the code the device shows, the device as it described itself (a claim, not
 * a proof), where it asked from, and a warning when that is far from the
 * phone. Deny exactly as prominent as Approve. When the pool asks for it
 * (step-up), the password comes before Approve.
 */
import type { DeviceRequestContext } from '@scanlogin/app-sdk';
import { type DeviceView, deviceView, expiryLine } from '../format.js';
import { $, setText, showAppIdentity, showError } from '../shell.js';
import type { App } from './app.js';

export function deviceScreen(app: App) {
  const ui = {
    logo: $<HTMLImageElement>('device-logo'),
    initial: $('device-initial'),
    app: $('device-app'),
    userCode: $('device-user-code'),
    proximity: $('device-proximity'),
    device: $('device-device'),
    where: $('device-where'),
    time: $('device-time'),
    scopes: $('device-scopes'),
    expiry: $('device-expiry'),
    stepUp: $('device-step-up'),
    password: $<HTMLInputElement>('device-password'),
    error: $('device-error'),
    deny: $<HTMLButtonElement>('device-deny'),
    approve: $<HTMLButtonElement>('device-approve'),
  };
  let pending: { request: DeviceRequestContext; view: DeviceView } | null = null;
  let ticking: ReturnType<typeof setInterval> | null = null;
  const stopTicking = () => {
    if (ticking !== null) clearInterval(ticking);
    ticking = null;
  };
  app.shell.onLeave('device', stopTicking);

  function show(request: DeviceRequestContext): void {
    const v = deviceView(request, Date.now(), location.origin, app.lang);
    pending = { request, view: v };
    showAppIdentity(ui, v);
    setText(ui.userCode, v.userCode);
    setText(ui.device, v.device);
    setText(ui.where, v.where);
    setText(ui.time, v.time);
    setText(ui.scopes, v.scopes);
    showError(ui.proximity, v.proximityWarning);
    showError(ui.error, null);
    ui.stepUp.hidden = !v.stepUpRequired;
    ui.password.value = '';
    ui.deny.disabled = false;
    ui.approve.disabled = false;
    const tick = () => setText(ui.expiry, expiryLine(v.expiresAt, Date.now(), app.lang) ?? '');
    tick();
    stopTicking();
    ticking = setInterval(tick, 1000);
    app.show('device');
    app.shell.announce(app.t.screens.askDevice(v.appName, v.userCode));
  }

  async function decide(approve: boolean): Promise<void> {
    const client = app.account.client;
    if (!client || !pending) return;
    const { request, view } = pending;
    if (approve && view.stepUpRequired && !ui.password.value) {
      showError(ui.error, app.t.screens.devicePasswordNeeded);
      ui.password.focus();
      return;
    }
    ui.deny.disabled = true;
    ui.approve.disabled = true;
    try {
      if (approve) {
        await client.approveDevice(
          request.userCode,
          view.stepUpRequired ? { password: ui.password.value } : {},
        );
      } else {
        await client.denyDevice(request.userCode);
      }
      pending = null;
      app.go.result(
        approve
          ? {
              tone: 'ok',
              title: app.t.screens.deviceApprovedTitle,
              detail: app.t.screens.deviceApprovedDetail(view.appName, view.userCode),
              actions: ['home'],
            }
          : {
              tone: 'denied',
              title: app.t.screens.deviceDeniedTitle,
              detail: app.t.screens.deviceDeniedDetail,
              actions: ['home'],
            },
      );
    } catch (err) {
      app.go.problem(err, 'device', () => show(request));
    }
  }

  ui.deny.addEventListener('click', () => void decide(false));
  ui.approve.addEventListener('click', () => void decide(true));

  return { show };
}
