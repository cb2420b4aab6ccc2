import { encodeQr, type QrMatrix, versionFor } from './encoder.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The quiet zone the standard asks for around a symbol, in modules. */
export const QUIET_ZONE = 4;

/** The smallest module, in CSS pixels, that {@link encodeToFit} keeps level M for. */
export const MIN_MODULE_PX = 3;

/**
 * Encodes `text` for a code drawn `side` CSS pixels wide (quiet zone
 * included): level M, unless its modules would be smaller than
 * {@link MIN_MODULE_PX}; then level L, a few versions smaller. A signed
 * payload (~590 bytes) is a version 19 symbol at M, 2.4 px a module at the
 * widget's 240 px, which cameras and decoders misread; at L it is version
 * 16, 2.7 px a module. A screen is not scratched or stained, so bigger
 * modules help a phone more than M's extra error correction does.
 *
 * @throws RangeError when the text does not fit in a QR code at all.
 */
export function encodeToFit(text: string, side: number): QrMatrix {
  const modules = versionFor(new TextEncoder().encode(text).length, 'M') * 4 + 17;
  return encodeQr(text, { ecLevel: side / (modules + QUIET_ZONE * 2) < MIN_MODULE_PX ? 'L' : 'M' });
}

/**
 * SVG path data drawing every dark module, one horizontal run per subpath,
 * offset by `margin` modules. One path keeps the DOM small (a version 20 code
 * has ~9,000 modules) and scales crisply to any size.
 */
export function qrPathData(m: QrMatrix, margin = QUIET_ZONE): string {
  let d = '';
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.modules[y * m.size + x]) continue;
      let end = x;
      while (end + 1 < m.size && m.modules[y * m.size + end + 1]) end++;
      d += `M${x + margin} ${y + margin}h${end - x + 1}v1h${x - end - 1}z`;
      x = end;
    }
  }
  return d;
}

/**
 * An `<svg>` element showing the code, `width` × `height` CSS pixels, quiet zone
 * included. It is an image to assistive technology, labelled with `label`.
 */
export function renderQrSvg(
  doc: Document,
  m: QrMatrix,
  width: number,
  height: number,
  label: string,
  colors: { dark?: string; light?: string } = {},
): SVGSVGElement {
  const box = m.size + QUIET_ZONE * 2;
  const svg = doc.createElementNS(SVG_NS, 'svg');
  const attrs: Record<string, string> = {
    viewBox: `0 0 ${box} ${box}`,
    width: String(width),
    height: String(height),
    role: 'img',
    'aria-label': label,
    'shape-rendering': 'crispEdges',
  };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  svg.style.display = 'block';
  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', colors.light ?? '#fff');
  const path = doc.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', qrPathData(m));
  path.setAttribute('fill', colors.dark ?? '#000');
  svg.append(bg, path);
  return svg;
}
