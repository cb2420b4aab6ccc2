import type { SdkMessages, Tips } from '../i18n.js';
import type { Size } from '../types.js';

/** What the buttons of the widget do; the controller decides. */
export interface ViewActions {
  /** A fresh code (after expiry or a failure, or "scan again"). */
  refresh(): void;
  /** The retry button after a failure: a fresh code. */
  retry(): void;
  /** Skip the backoff delay after a network failure. */
  retryNow(): void;
}

/** The states the widget draws; also exposed as `data-state` on its root for styling and tests. */
export type ViewState = 'loading' | 'code' | 'scanned' | 'success' | 'expired' | 'failed';

type Styles = Partial<Record<keyof CSSStyleDeclaration, string>>;

const SVG_NS = 'http://www.w3.org/2000/svg';
const ACCENT = '#1a73e8';

/*
 * Styles are set through the CSSOM (element.style) rather than a <style>
 * element or style attributes: it works under a strict Content-Security-Policy
 * (no 'unsafe-inline' needed) and leaks nothing into the host page.
 */
function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  style: Styles = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  Object.assign(e.style, style);
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(doc: Document, label: string, onClick: () => void, primary = true): HTMLButtonElement {
  const b = el(
    doc,
    'button',
    primary
      ? {
          font: 'inherit',
          padding: '6px 16px',
          border: `1px solid ${ACCENT}`,
          borderRadius: '4px',
          background: ACCENT,
          color: '#fff',
          cursor: 'pointer',
        }
      : {
          font: 'inherit',
          padding: '2px 4px',
          border: '0',
          background: 'none',
          color: ACCENT,
          textDecoration: 'underline',
          cursor: 'pointer',
        },
    label,
  );
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/**
 * The box authing-js-sdk mounts when no element has the requested id: fixed,
 * centred in the viewport, `containerSize` large.
 */
export function mountBox(doc: Document, id: string, containerSize: Size): HTMLDivElement {
  const { width, height } = containerSize;
  const box = el(doc, 'div', {
    position: 'fixed',
    zIndex: '65535',
    left: '50%',
    top: '50%',
    width: `${width}px`,
    height: `${height}px`,
    marginLeft: `-${width / 2}px`,
    marginTop: `-${height / 2}px`,
    background: '#fff',
    border: '1px solid #ccc',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    boxSizing: 'border-box',
  });
  box.id = id;
  doc.body.appendChild(box);
  return box;
}

/**
 * The widget's DOM: the code (or a placeholder) with an overlay for the
 * states drawn over it, and a status line that is an ARIA live region, so
 * screen readers announce every change. Every text is set as text, never as
 * HTML: nicknames come from users.
 */
export class ScanView {
  readonly root: HTMLDivElement;
  readonly #doc: Document;
  readonly #stage: HTMLDivElement;
  readonly #overlay: HTMLDivElement;
  readonly #tip: HTMLParagraphElement;
  readonly #extra: HTMLDivElement;
  #pulse: Animation | undefined;
  /** The status line of the current state, restored after a network hiccup. */
  #stateTip = '';

  constructor(
    mount: HTMLElement,
    size: Size,
    private readonly tips: Tips,
    private readonly actions: ViewActions,
    /** The SDK's own words, in the tips' language. */
    private readonly words: SdkMessages,
  ) {
    const doc = mount.ownerDocument;
    this.#doc = doc;
    this.root = el(doc, 'div', {
      textAlign: 'center',
      font: '14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      color: '#333',
      outline: 'none',
    });
    this.root.className = 'scanlogin';
    this.root.tabIndex = -1; // a place for focus when the focused button goes away
    this.#stage = el(doc, 'div', {
      position: 'relative',
      width: `${size.width}px`,
      height: `${size.height}px`,
      margin: '0 auto',
      overflow: 'hidden',
    });
    this.#overlay = el(doc, 'div', {
      position: 'absolute',
      inset: '0',
      display: 'none',
      flexDirection: 'column',
      alignItems: 'center',
      justifyContent: 'center',
      gap: '8px',
      padding: '12px',
      boxSizing: 'border-box',
      background: 'rgba(255,255,255,.95)',
    });
    this.#tip = el(doc, 'p', { margin: '10px 0 0', color: '#555', minHeight: '1.4em' });
    this.#tip.setAttribute('role', 'status');
    this.#tip.setAttribute('aria-live', 'polite');
    this.#extra = el(doc, 'div', { minHeight: '0' });
    this.#stage.append(this.#overlay);
    this.root.append(this.#stage, this.#tip, this.#extra);
    mount.appendChild(this.root);
  }

  /** Sets the status line (announced by screen readers). */
  say(text: string): void {
    if (this.#tip.textContent !== text) this.#tip.textContent = text;
  }

  loading(): void {
    const ph = el(this.#doc, 'div', {
      width: '100%',
      height: '100%',
      background: '#eef0f3',
      borderRadius: '4px',
    });
    this.#setCode(ph);
    // The Web Animations API, not CSS keyframes: no stylesheet needed (see above).
    const still = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    if (!still && typeof ph.animate === 'function') {
      this.#pulse = ph.animate([{ opacity: 1 }, { opacity: 0.45 }, { opacity: 1 }], {
        duration: 1400,
        iterations: Number.POSITIVE_INFINITY,
      });
    }
    this.#show('loading', [], this.tips.loading);
  }

  /** Shows a freshly drawn code (an <svg>, or an <img> from an old server), with `tip` under it. */
  code(node: Element, tip = this.tips.title): void {
    this.#setCode(node);
    this.#show('code', [], tip);
  }

  /** Replaces the code in place (a rotation): state, overlay and status line stay as they are. */
  redraw(node: Element): void {
    this.#setCode(node);
  }

  /**
   * The scanner's avatar and name over the code. `checkCode`: the number the
   * user must pick on the phone; `stepUp`: the phone must prove more first.
   */
  scanned(
    user: { nickname?: string | null; photo?: string | null },
    checkCode: number | null = null,
    stepUp = false,
  ): void {
    const doc = this.#doc;
    const name = user.nickname?.trim() || '';
    const avatar = el(doc, 'div', {
      width: '56px',
      height: '56px',
      borderRadius: '50%',
      background: '#8a94a6',
      color: '#fff',
      fontSize: '24px',
      lineHeight: '56px',
      overflow: 'hidden',
      flex: 'none',
    });
    avatar.textContent = (Array.from(name)[0] ?? '?').toUpperCase();
    if (user.photo) {
      const img = el(doc, 'img', { width: '100%', height: '100%', objectFit: 'cover', display: 'block' });
      img.alt = '';
      img.referrerPolicy = 'no-referrer';
      // On a broken photo the initial stays visible.
      img.addEventListener('error', () => img.remove());
      img.addEventListener('load', () => {
        avatar.textContent = '';
        avatar.append(img);
      });
      img.src = user.photo;
    }
    const nick = el(doc, 'strong', { fontSize: '16px', color: '#222', wordBreak: 'break-all' }, name);
    const hint = el(doc, 'span', { color: '#555' }, stepUp ? this.tips.stepUp : this.tips.middleTitle);
    const parts: Node[] = [avatar, nick, hint];
    let tip = stepUp ? this.tips.stepUp : this.tips.scanned;
    if (checkCode !== null) {
      const number = el(
        doc,
        'strong',
        { fontSize: '30px', letterSpacing: '4px', color: '#111' },
        String(checkCode),
      );
      number.className = 'scanlogin-check-code';
      parts.push(el(doc, 'span', { fontSize: '12px', color: '#555' }, this.tips.checkCode), number);
      tip += ` · ${this.words.labelled(this.tips.checkCode, String(checkCode))}`;
    }
    parts.push(button(doc, this.tips.referText, () => this.actions.refresh(), false));
    this.#show('scanned', parts, tip);
  }

  success(): void {
    const mark = this.#doc.createElementNS(SVG_NS, 'svg');
    mark.setAttribute('viewBox', '0 0 24 24');
    mark.setAttribute('width', '56');
    mark.setAttribute('height', '56');
    mark.setAttribute('aria-hidden', 'true');
    const circle = this.#doc.createElementNS(SVG_NS, 'circle');
    for (const [k, v] of [
      ['cx', '12'],
      ['cy', '12'],
      ['r', '12'],
      ['fill', '#1e8e3e'],
    ]) {
      circle.setAttribute(k!, v!);
    }
    const tick = this.#doc.createElementNS(SVG_NS, 'path');
    for (const [k, v] of [
      ['d', 'M6.5 12.5l3.5 3.5 7.5-8'],
      ['fill', 'none'],
      ['stroke', '#fff'],
      ['stroke-width', '2.4'],
    ]) {
      tick.setAttribute(k!, v!);
    }
    mark.append(circle, tick);
    this.#show(
      'success',
      [mark, el(this.#doc, 'strong', { color: '#222' }, this.tips.succeed)],
      this.tips.succeed,
    );
  }

  expired(): void {
    const refresh = button(this.#doc, this.tips.retry, () => this.actions.refresh());
    this.#show(
      'expired',
      [el(this.#doc, 'span', {}, this.tips.expired), refresh],
      this.tips.expired,
      refresh,
    );
  }

  /** A failure that needs the user: a title (by default `failed`), the message and a retry button. */
  failed(message: string, heading = this.tips.failed): void {
    const retry = button(this.#doc, this.tips.retry, () => this.actions.retry());
    const detail = el(
      this.#doc,
      'span',
      { color: '#555', fontSize: '12px', wordBreak: 'break-word' },
      message,
    );
    const title = el(this.#doc, 'strong', { color: '#222' }, heading);
    this.#show(
      'failed',
      [title, detail, retry],
      message ? this.words.labelled(heading, message) : heading,
      retry,
    );
  }

  /** A transient network failure while waiting: the code stays, the SDK retries by itself. */
  trouble(): void {
    if (!this.#extra.firstChild) {
      this.#extra.append(button(this.#doc, this.tips.retryNow, () => this.actions.retryNow(), false));
    }
    this.root.dataset['trouble'] = 'true';
    this.say(this.tips.networkError);
  }

  /** Back to normal after {@link trouble}: the state's own status line returns. */
  recovered(): void {
    if (!this.root.dataset['trouble']) return;
    this.#refocus(() => {
      this.#extra.replaceChildren();
      delete this.root.dataset['trouble'];
    });
    this.say(this.#stateTip);
  }

  /** Which transport is in use, for debugging (`data-transport`). */
  transport(mode: string): void {
    this.root.dataset['transport'] = mode;
  }

  destroy(): void {
    this.#pulse?.cancel();
    this.root.remove();
  }

  #setCode(node: Element): void {
    this.#pulse?.cancel();
    this.#pulse = undefined;
    // The stage holds the code node then the overlay; replace the former only.
    while (this.#stage.firstChild && this.#stage.firstChild !== this.#overlay)
      this.#stage.firstChild.remove();
    this.#stage.insertBefore(node, this.#overlay);
  }

  /** Switches state: fills (or hides) the overlay and sets the status line. */
  #show(state: ViewState, content: Node[], tip: string, focus?: HTMLElement): void {
    this.#refocus(() => {
      this.root.dataset['state'] = state;
      this.#overlay.replaceChildren(...content);
      this.#overlay.style.display = content.length ? 'flex' : 'none';
      this.#extra.replaceChildren();
      delete this.root.dataset['trouble'];
    }, focus);
    this.#stateTip = tip;
    this.say(tip);
  }

  /**
   * Runs a DOM change and keeps keyboard focus sensible: if the focused
   * element was in the widget and went away, focus goes to `next` (the new
   * state's button) or the widget itself. Focus outside is never stolen.
   */
  #refocus(change: () => void, next?: HTMLElement): void {
    const active = this.#doc.activeElement;
    const inside = !!active && active !== this.root && this.root.contains(active);
    change();
    if (inside && (next || !active.isConnected)) (next ?? this.root).focus();
  }
}
