/**
 * Reading a login code: the camera, or a photo of the code, or its text
 * pasted; then the app SDK checks it (signature, expiry), marks it scanned and
 * fetches the request's context for the next screen.
 */
import { INSECURE_PAGE } from '../messages.js';
import { CameraError, CameraScanner, decodeImageFile } from '../scanner.js';
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
    setText(ui.hint, "Point the camera at the QR code on the website's login page.");
    ui.viewfinder.hidden = false;
    app.show('scan');
    try {
      await scanner.start((text) => void handleCode(text));
      if (app.shell.current !== 'scan') scanner.stop(); // the user left while the camera was starting
    } catch (err) {
      const text = err instanceof CameraError ? err.message : 'The camera could not be started.';
      showError(ui.cameraProblem, `${text} You can use a photo of the code or paste its text below.`);
      setText(ui.hint, 'The camera is not available.');
      ui.viewfinder.hidden = true;
    }
  }

  async function handleCode(text: string): Promise<void> {
    const client = app.account.client;
    if (!client) return;
    scanner.stop();
    // The SDK verifies each code's signature with WebCrypto, which only secure pages have.
    if (!globalThis.crypto?.subtle) {
      app.go.result({ tone: 'problem', ...INSECURE_PAGE });
      return;
    }
    // A TV's QR code (its sign-in link with the user code) opens the device's confirm screen.
    const userCode = userCodeFromLink(text, location.origin);
    if (userCode) {
      app.go.resolveCode(userCode);
      return;
    }
    setText(ui.busyTitle, 'Checking the code…');
    app.show('busy');
    app.shell.announce('Code read. Checking it.');
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
        showError(
          ui.photoProblem,
          'No QR code found in this photo. Take it closer, in focus, with the whole code in the picture.',
        );
        return;
      }
      await handleCode(text);
    } catch {
      showError(ui.photoProblem, 'This file could not be read as an image.');
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
