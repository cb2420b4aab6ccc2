/**
 * Reading a QR code in the browser: frames of the rear camera drawn to a
 * canvas and decoded with jsQR, or a single photo the user picks.
 */
import jsQRmod from 'jsqr';
import { type Lang, textsFor } from './i18n.js';

type Decode = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  opts?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' },
) => { data: string } | null;

// jsqr is CommonJS with an ESM-shaped d.ts: the function is the module and also its `.default`.
const jsQR: Decode = (jsQRmod as unknown as { default?: Decode }).default ?? (jsQRmod as unknown as Decode);

/** Why the camera could not be used; the UI words each one and offers the photo and paste fallbacks. */
export type CameraProblem = 'unsupported' | 'insecure' | 'denied' | 'not-found' | 'in-use' | 'failed';

/** The camera cannot be used, and why; the screen words it in the app's language (`cameraProblemText`). */
export class CameraError extends Error {
  override readonly name = 'CameraError';
  constructor(readonly problem: CameraProblem) {
    super(`camera: ${problem}`);
  }
}

export function cameraProblemText(p: CameraProblem, lang: Lang): string {
  const t = textsFor(lang).camera;
  switch (p) {
    case 'unsupported':
      return t.unsupported;
    case 'insecure':
      return t.insecure;
    case 'denied':
      return t.denied;
    case 'not-found':
      return t.notFound;
    case 'in-use':
      return t.inUse;
    case 'failed':
      return t.failed;
  }
}

/** The largest side, in pixels, of the frames handed to the decoder: fast enough on phones. */
const MAX_SCAN_SIDE = 720;
/** The largest side of a decoded photo: phone photos are huge and a code needs far fewer pixels. */
const MAX_PHOTO_SIDE = 1600;

function fit(w: number, h: number, max: number): { w: number; h: number } {
  const scale = Math.min(1, max / Math.max(w, h));
  return { w: Math.max(1, Math.round(w * scale)), h: Math.max(1, Math.round(h * scale)) };
}

function decodeCanvas(ctx: CanvasRenderingContext2D, w: number, h: number, thorough: boolean): string | null {
  const image = ctx.getImageData(0, 0, w, h);
  const code = jsQR(image.data, w, h, { inversionAttempts: thorough ? 'attemptBoth' : 'dontInvert' });
  return code?.data ? code.data : null;
}

/**
 * Scans with the camera until a code is read (`onCode` is called once) or
 * `stop` is called. The video element shows the camera to the user.
 */
export class CameraScanner {
  #stream: MediaStream | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  readonly #video: HTMLVideoElement;
  readonly #canvas: HTMLCanvasElement;

  constructor(video: HTMLVideoElement, canvas: HTMLCanvasElement) {
    this.#video = video;
    this.#canvas = canvas;
  }

  get running(): boolean {
    return this.#running;
  }

  async start(onCode: (text: string) => void): Promise<void> {
    this.stop();
    if (!window.isSecureContext) throw new CameraError('insecure');
    if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unsupported');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      const problem: CameraProblem =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'denied'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'not-found'
            : name === 'NotReadableError' || name === 'AbortError'
              ? 'in-use'
              : 'failed';
      throw new CameraError(problem);
    }
    this.#stream = stream;
    this.#running = true;
    const video = this.#video;
    video.srcObject = stream;
    video.muted = true;
    video.playsInline = true;
    try {
      await video.play();
    } catch {
      // Autoplay of a muted inline video is allowed; if play() still fails, frames may arrive anyway.
    }
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) {
      this.stop();
      throw new CameraError('failed');
    }
    const tick = () => {
      if (!this.#running) return;
      if (video.readyState >= 2 && video.videoWidth > 0) {
        const { w, h } = fit(video.videoWidth, video.videoHeight, MAX_SCAN_SIDE);
        this.#canvas.width = w;
        this.#canvas.height = h;
        ctx.drawImage(video, 0, 0, w, h);
        const text = decodeCanvas(ctx, w, h, false);
        if (text !== null) {
          this.stop();
          onCode(text);
          return;
        }
      }
      this.#timer = setTimeout(tick, 120);
    };
    tick();
  }

  /** Stops scanning and releases the camera (its light goes off). */
  stop(): void {
    this.#running = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = null;
    this.#video.srcObject = null;
  }
}

/** Reads a QR code from a photo (a picked file); null when none is found. */
export async function decodeImageFile(file: Blob, canvas: HTMLCanvasElement): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const { w, h } = fit(bitmap.width, bitmap.height, MAX_PHOTO_SIDE);
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    // A white background first, so transparent images read as dark-on-light.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    return decodeCanvas(ctx, w, h, true);
  } finally {
    bitmap.close();
  }
}
