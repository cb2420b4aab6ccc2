import type { QrMatrix } from './encoder.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The quiet zone the standard asks for around a symbol, in modules. */
export const QUIET_ZONE = 4;

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
