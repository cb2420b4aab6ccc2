/**
 * Text written by others, made safe to show as it is: what a page says about
 * itself reaches the phone's confirm screen, so nothing in it may hide,
 * reorder or break the text around it. Shared by the service (which bounds
 * it once) and the companion (which bounds it again for a service older or
 * other than ours).
 */

// Code points that show nothing yet change what is around them: controls (C0, DEL, C1), the soft
// hyphen, invisible fillers and formatting, direction marks, embeddings, overrides and isolates,
// line and paragraph separators, variation selectors, the byte-order mark, interlinear annotation
// marks and tags. Each is shown as its escape instead, so a value cannot reorder, hide or break
// the text beside it. Inclusive ranges, in order.
const HIDDEN: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0xe0000, 0xe0fff],
];

function escaped(char: string): string {
  const cp = char.codePointAt(0)!;
  return HIDDEN.some(([from, to]) => cp >= from && cp <= to)
    ? `\\u{${cp.toString(16).toUpperCase().padStart(4, '0')}}`
    : char;
}

/**
 * `text` with its hidden characters escaped, at most `max` UTF-16 units long
 * (what a JSON Schema's `maxLength` and JavaScript's `length` count alike):
 * cut on a whole character, never inside a pair or an escape, ending in "…".
 */
export function visibleText(text: string, max: number): string {
  const pieces: string[] = [];
  let length = 0;
  for (const char of text) {
    const piece = escaped(char);
    pieces.push(piece);
    length += piece.length;
  }
  if (length <= max) return pieces.join('');
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Bounds of what a confirm screen is given of a page's `context`
 * (`PageContextView`): members shown, and characters of a key and of a value.
 */
export const PAGE_CONTEXT_LIMITS = { entries: 16, keyLength: 64, valueLength: 200 } as const;
