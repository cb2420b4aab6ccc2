/**
 * A small QR code encoder (ISO/IEC 18004, model 2), written for this SDK so
 * that the page can draw the code from the `payload` text the server returns,
 * with no image round trip. It only needs byte mode: our payload is JSON, which
 * neither numeric nor alphanumeric mode can hold. All 40 versions and the four
 * error correction levels are supported.
 */

/** Error correction level: about 7 %, 15 %, 25 % or 30 % of the code may be damaged. */
export type EcLevel = 'L' | 'M' | 'Q' | 'H';

/** An encoded symbol: a square of `size` × `size` modules, row-major, 1 = dark. */
export interface QrMatrix {
  /** 1..40. */
  version: number;
  /** Modules per side (`version * 4 + 17`), without the quiet zone. */
  size: number;
  /** The data mask (0..7) that was applied. */
  mask: number;
  ecLevel: EcLevel;
  modules: Uint8Array;
}

/** Options of {@link encodeQr}. */
export interface EncodeOptions {
  /** Defaults to `'M'`, a good trade between density and robustness on a screen. */
  ecLevel?: EcLevel;
  /** The smallest version to use (1..40); the encoder picks the smallest that fits. */
  minVersion?: number;
  /** Forces a mask (0..7) instead of choosing the one with the lowest penalty. */
  mask?: number;
}

// Per level (L, M, Q, H) and version (1..40): error correction codewords per
// block, and the number of blocks. From the standard's table 9.
const ECC_PER_BLOCK = [
  [
    7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  [
    13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
];
const BLOCKS = [
  [
    1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17,
    18, 19, 19, 20, 21, 22, 24, 25,
  ],
  [
    1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
    31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
  ],
  [
    1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38,
    40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
  ],
  [
    1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45,
    48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
  ],
];
const LEVEL_INDEX: Record<EcLevel, number> = { L: 0, M: 1, Q: 2, H: 3 };
// The two bits the format information uses for each level (not in L, M, Q, H order).
const LEVEL_FORMAT_BITS: Record<EcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1, as log/antilog tables.
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = EXP[i + 255] = x;
  LOG[x] = i;
  x = (x << 1) ^ (x & 0x80 ? 0x11d : 0);
}
const gfMul = (a: number, b: number): number => (a && b ? EXP[LOG[a]! + LOG[b]!]! : 0);

/** Reed–Solomon error correction codewords of `data` (generator roots α^0..α^(n-1)). */
function reedSolomon(data: ArrayLike<number>, n: number): Uint8Array {
  // The generator polynomial, highest term (always 1) left out, highest first.
  const gen = new Uint8Array(n);
  gen[n - 1] = 1;
  for (let i = 0, root = 1; i < n; i++, root = gfMul(root, 2)) {
    for (let j = 0; j < n; j++) gen[j] = gfMul(gen[j]!, root) ^ (j + 1 < n ? gen[j + 1]! : 0);
  }
  const rem = new Uint8Array(n);
  for (let i = 0; i < data.length; i++) {
    const factor = data[i]! ^ rem[0]!;
    rem.copyWithin(0, 1);
    rem[n - 1] = 0;
    for (let j = 0; j < n; j++) rem[j]! ^= gfMul(gen[j]!, factor);
  }
  return rem;
}

/** Data modules of a version: everything but function patterns and format/version areas. */
function rawDataModules(version: number): number {
  let bits = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    bits -= (25 * align - 10) * align - 55;
    if (version >= 7) bits -= 36;
  }
  return bits;
}

/** Codewords available for data (after error correction) at this version and level. */
export function dataCodewords(version: number, ecLevel: EcLevel): number {
  const l = LEVEL_INDEX[ecLevel];
  return (rawDataModules(version) >> 3) - ECC_PER_BLOCK[l]![version - 1]! * BLOCKS[l]![version - 1]!;
}

/** Centres of the alignment patterns along one axis. */
function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const size = version * 4 + 17;
  // Evenly spaced from the far edge, even steps; the formula also covers version 32's odd spacing.
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const out = [6];
  for (let pos = size - 7; out.length < count; pos -= step) out.splice(1, 0, pos);
  return out;
}

/** The 15 format bits (level + mask, BCH-protected and XOR-masked). */
function formatBits(ecLevel: EcLevel, mask: number): number {
  const data = (LEVEL_FORMAT_BITS[ecLevel] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The byte-mode bit stream, padded to the version's data capacity. */
function dataStream(bytes: Uint8Array, version: number, capacity: number): Uint8Array {
  const out = new Uint8Array(capacity);
  let bit = 0;
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--, bit++) if ((value >>> i) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
  };
  put(4, 4); // byte mode
  put(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  // The terminator (up to four zero bits) and the zero bits up to a byte are already 0.
  for (let i = (bit + 7) >> 3, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) out[i] = pad;
  return out;
}

/** Splits the data into blocks, adds error correction, and interleaves everything. */
function codewords(data: Uint8Array, version: number, ecLevel: EcLevel): Uint8Array {
  const l = LEVEL_INDEX[ecLevel];
  const blocks = BLOCKS[l]![version - 1]!;
  const ecc = ECC_PER_BLOCK[l]![version - 1]!;
  const total = rawDataModules(version) >> 3;
  const shortBlocks = blocks - (total % blocks);
  const shortLen = Math.floor(total / blocks) - ecc; // data codewords in a short block
  const dataParts: Uint8Array[] = [];
  const eccParts: Uint8Array[] = [];
  for (let b = 0, k = 0; b < blocks; b++) {
    const length = shortLen + (b < shortBlocks ? 0 : 1);
    const part = data.subarray(k, k + length);
    k += length;
    dataParts.push(part);
    eccParts.push(reedSolomon(part, ecc));
  }
  const out = new Uint8Array(total);
  let i = 0;
  for (let c = 0; c <= shortLen; c++) for (const part of dataParts) if (c < part.length) out[i++] = part[c]!;
  for (let c = 0; c < ecc; c++) for (const part of eccParts) out[i++] = part[c]!;
  return out;
}

/** Penalty score of a masked symbol (the standard's four rules); lower is better. */
function penalty(m: Uint8Array, size: number): number {
  let score = 0;
  let dark = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < size; a++) {
      // One row (pass 0) or column (pass 1) as a string of 0/1, for rules 1 and 3.
      let line = '';
      for (let b = 0; b < size; b++) line += m[pass ? b * size + a : a * size + b];
      for (const run of line.match(/0{5,}|1{5,}/g) ?? []) score += run.length - 2;
      // A finder-like 1:1:3:1:1 with four light modules on either side (outside counts as light).
      const padded = `0000${line}0000`;
      for (let at = padded.indexOf('1011101'); at >= 0; at = padded.indexOf('1011101', at + 1)) {
        if (padded.slice(at - 4, at) === '0000' || padded.slice(at + 7, at + 11) === '0000') score += 40;
      }
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = m[y * size + x]!;
      dark += c;
      if (x < size - 1 && y < size - 1) {
        const i = y * size + x;
        if (c === m[i + 1] && c === m[i + size] && c === m[i + size + 1]) score += 3;
      }
    }
  }
  const total = size * size;
  return score + (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
}

/** The smallest version (from `minVersion`) holding `byteLength` bytes in byte mode; 41 when none does. */
export function versionFor(byteLength: number, ecLevel: EcLevel, minVersion = 1): number {
  let version = Math.max(1, minVersion);
  while (
    version <= 40 &&
    4 + (version < 10 ? 8 : 16) + byteLength * 8 > dataCodewords(version, ecLevel) * 8
  ) {
    version++;
  }
  return version;
}

/**
 * Encodes `text` (as UTF-8, byte mode) into a QR code symbol.
 *
 * @throws RangeError when the text does not fit in version 40 at the chosen level.
 */
export function encodeQr(text: string, options: EncodeOptions = {}): QrMatrix {
  const ecLevel = options.ecLevel ?? 'M';
  const bytes = new TextEncoder().encode(text);
  const version = versionFor(bytes.length, ecLevel, options.minVersion);
  if (version > 40) throw new RangeError(`QR code: ${bytes.length} bytes do not fit at level ${ecLevel}`);

  const size = version * 4 + 17;
  const modules = new Uint8Array(size * size);
  const isFunction = new Uint8Array(size * size);
  const set = (x: number, y: number, dark: boolean | number) => {
    modules[y * size + x] = dark ? 1 : 0;
    isFunction[y * size + x] = 1;
  };
  const drawFormat = (mask: number) => {
    const bits = formatBits(ecLevel, mask);
    const bit = (i: number) => (bits >>> i) & 1;
    for (let i = 0; i < 6; i++) set(8, i, bit(i));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
    set(8, size - 8, 1); // the module that is always dark
  };

  // Function patterns: timing lines, then finders and alignment patterns over them.
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  const align = alignmentPositions(version);
  const last = align.length - 1;
  align.forEach((cy, i) => {
    align.forEach((cx, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return; // finders
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    });
  });
  drawFormat(0); // reserves the format areas; redrawn once the mask is known
  if (version >= 7) {
    let rem = version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, (bits >>> i) & 1);
      set(b, a, (bits >>> i) & 1);
    }
  }

  // Codewords, in the zigzag of two-module columns from the bottom right.
  const words = codewords(dataStream(bytes, version, dataCodewords(version, ecLevel)), version, ecLevel);
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing line
    const upward = ((right + 1) & 2) === 0;
    for (let v = 0; v < size; v++) {
      const y = upward ? size - 1 - v : v;
      for (let j = 0; j < 2; j++) {
        const i = y * size + right - j;
        if (isFunction[i] || bit >= words.length * 8) continue;
        modules[i] = (words[bit >> 3]! >>> (7 - (bit & 7))) & 1;
        bit++;
      }
    }
  }

  const applyMask = (mask: number) => {
    const fn = MASKS[mask]!;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) if (!isFunction[y * size + x] && fn(x, y)) modules[y * size + x]! ^= 1;
    }
  };
  let mask = options.mask ?? -1;
  if (mask < 0) {
    let best = Number.POSITIVE_INFINITY;
    for (let candidate = 0; candidate < 8; candidate++) {
      applyMask(candidate);
      drawFormat(candidate);
      const score = penalty(modules, size);
      if (score < best) {
        best = score;
        mask = candidate;
      }
      applyMask(candidate); // XOR again: undone
    }
  }
  applyMask(mask);
  drawFormat(mask);
  return { version, size, mask, ecLevel, modules };
}
