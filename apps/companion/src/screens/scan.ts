/**
 * Reading a login code: the camera, or a photo of the code, or its text
 * pasted; then the app SDK checks it (signature, expiry), marks it scanned and
 * fetches the request's context for the next screen.
 */
import { insecurePage } from '../messages.js';
import { CameraError, CameraScanner, cameraProblemText, decodeImageFile } from '../scanner.js';
import { $, setText, showError } from '../shell.js';
import type { App } from './app.js';
import { userCodeFromLink } from './code.js';

/** The code's status while the phone must re-enter the password (a request from far away). */
const STATUS_STEP_UP = 4;

export function scanScreen(app: App) {
  const ui = {
    hint: $('scan-hint'),
    viewfinder: $('viewfinder'),
    video: $<HTMLVideoElement>('scan-video'),
    canvas: $<HTMLCanvasElement>('scan-canvas'),
    cameraProblem: $('camera-problem'),
    photoInput: $<HTMLInputElement>('photo-input'),
    photoProblem: $('photo-problem'),
    pasteForm: $<HTMLFormElement>('paste-form'),
    pasteText: $<HTMLTextAreaElement>('paste-text'),
    busyTitle: $('busy-title'),
  };
  const scanner = new CameraScanner(ui.video, ui.canvas);
  // Whatever replaces the scan screen turns the camera (and its light) off.
  app.shell.onLeave('scan', () => scanner.stop());

  async function start(): Promise<void> {
    if (!app.account.client) {
      app.show('signin');
      return;
    }
    showError(ui.cameraProblem, null);
    showError(ui.photoProblem, null);
    ui.pasteText.value = '';
    ui.photoInput.value = '';
    setText(ui.hint, app.t.page.scanHint);
    ui.viewfinder.hidden = false;
    app.show('scan');
    try {
      await scanner.start((text) => void handleCode(text));
      if (app.shell.current !== 'scan') scanner.stop(); // the user left while the camera was starting
    } catch (err) {
      const text = cameraProblemText(err instanceof CameraError ? err.problem : 'failed', app.lang);
      showError(ui.cameraProblem, app.t.screens.cameraFallback(text));
      setText(ui.hint, app.t.screens.cameraUnavailable);
      ui.viewfinder.hidden = true;
    }
  }

  async function handleCode(text: string): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    scanner.stop();
    // The SDK verifies each code's signature with WebCrypto, which only secure pages have.
    if (!globalThis.crypto?.subtle) {
      app.go.result({ tone: 'problem', ...insecurePage(app.lang) });
      return;
    }
    // A TV's QR code (its sign-in link with the user code) opens the device's confirm screen.
    const userCode = userCodeFromLink(text, location.origin);
    if (userCode) {
      app.go.resolveCode(userCode);
      return;
    }
    setText(ui.busyTitle, app.t.page.checking);
    app.show('busy');
    app.shell.announce(app.t.screens.codeRead);
    try {
      const scanned = await client.scan(text.trim());
      if (scanned.scanned.status === STATUS_STEP_UP) app.go.stepUp(scanned);
      else app.go.confirm(scanned);
    } catch (err) {
      app.go.problem(err, 'scan', () => void handleCode(text));
    }
  }

  $('scan-cancel').addEventListener('click', () => app.go.home());

  ui.photoInput.addEventListener('change', async () => {
    const file = ui.photoInput.files?.[0];
    if (!file) return;
    showError(ui.photoProblem, null);
    try {
      const text = await decodeImageFile(file, ui.canvas);
      if (text === null) {
        showError(ui.photoProblem, app.t.screens.noCodeInPhoto);
        return;
      }
      await handleCode(text);
    } catch {
      showError(ui.photoProblem, app.t.screens.notAnImage);
    }
  });

  ui.pasteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ui.pasteText.value.trim();
    if (!text) {
      ui.pasteText.focus();
      return;
    }
    void handleCode(text);
  });

  // Leaving the app turns the camera off; coming back offers the start screen.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && app.shell.current === 'scan' && scanner.running) {
      app.go.home();
    }
  });

  return { start, handleCode };
}
