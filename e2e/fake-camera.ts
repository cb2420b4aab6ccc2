/**
 * A fake camera for Chromium: `--use-file-for-fake-video-capture=FILE` plays
 * a Y4M file as the camera. This writes that file from a PNG (a screenshot of
 * a QR code), centred on a white 640x480 frame, in plain Node. Chromium reads
 * the file again at each getUserMedia call, so a test rewrites it between scans.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

/** The Chromium flags that make getUserMedia play `y4mPath` without asking. */
export function fakeCameraArgs(y4mPath: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4mPath}`,
  ];
}

/**
 * The brightness plane (full-range BT.601 luma) of a 640x480 frame showing
 * `png`, alpha-composited over white, scaled (nearest neighbour) so its longer
 * side is about `targetSide` pixels, and centred.
 */
export function lumaFrame(png: Buffer, targetSide = 400): Uint8Array {
  const img = PNG.sync.read(png);
  const scale = Math.min(
    targetSide / Math.max(img.width, img.height),
    (FRAME_WIDTH - 40) / img.width,
    (FRAME_HEIGHT - 40) / img.height,
  );
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const left = Math.floor((FRAME_WIDTH - w) / 2);
  const top = Math.floor((FRAME_HEIGHT - h) / 2);
  const y = new Uint8Array(FRAME_WIDTH * FRAME_HEIGHT).fill(255);
  for (let row = 0; row < h; row++) {
    const sy = Math.min(img.height - 1, Math.floor(row / scale));
    for (let col = 0; col < w; col++) {
      const sx = Math.min(img.width - 1, Math.floor(col / scale));
      const i = (sy * img.width + sx) * 4;
      const a = img.data[i + 3]! / 255;
      const over = (c: number) => c * a + 255 * (1 - a);
      const luma =
        0.299 * over(img.data[i]!) + 0.587 * over(img.data[i + 1]!) + 0.114 * over(img.data[i + 2]!);
      y[(top + row) * FRAME_WIDTH + left + col] = Math.round(luma);
    }
  }
  return y;
}

/** One 4:2:0 Y4M frame of the given brightness plane, colourless (U = V = 128). */
export function y4mFromLuma(luma: Uint8Array): Buffer {
  const header = Buffer.from(`YUV4MPEG2 W${FRAME_WIDTH} H${FRAME_HEIGHT} F30:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((FRAME_WIDTH / 2) * (FRAME_HEIGHT / 2) * 2, 128);
  return Buffer.concat([header, Buffer.from('FRAME\n'), Buffer.from(luma), chroma]);
}

/** Writes the camera file atomically (Chromium never reads half a frame). */
export function writeFakeCamera(y4mPath: string, png: Buffer | null): void {
  const luma = png ? lumaFrame(png) : new Uint8Array(FRAME_WIDTH * FRAME_HEIGHT).fill(255);
  const tmp = `${y4mPath}.${process.pid}.tmp`;
  writeFileSync(tmp, y4mFromLuma(luma));
  renameSync(tmp, y4mPath);
}
