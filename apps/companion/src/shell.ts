/**
 * The frame every screen lives in: the static DOM of index.html, its texts in
 * the app's language, which screen shows, where focus goes, and the live
 * region that reads results out. The DOM is never built from HTML strings;
 * screens only fill text and toggle what index.html already holds.
 */
import { type Lang, textsFor } from './i18n.js';

export const SCREENS = [
  'loading',
  'signin',
  'home',
  'sites',
  'sessions',
  'scan',
  'code',
  'busy',
  'stepup',
  'confirm',
  'device',
  'result',
] as const;
export type Screen = (typeof SCREENS)[number];

/** The element of index.html with this id (the page is static: a missing one is a bug). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

export function setText(el: HTMLElement, text: string): void {
  el.textContent = text;
}

/**
 * The app a request is for, as the confirm screens head it: its logo when it
 * has one (from the service's own host, see format.ts), else its initial.
 */
export function showAppIdentity(
  ui: { app: HTMLElement; logo: HTMLImageElement; initial: HTMLElement },
  v: { appName: string; logo: string | null; initial: string },
): void {
  setText(ui.app, v.appName);
  if (v.logo) {
    ui.logo.src = v.logo;
    ui.logo.hidden = false;
    ui.initial.hidden = true;
  } else {
    ui.logo.removeAttribute('src');
    ui.logo.hidden = true;
    ui.initial.hidden = false;
    setText(ui.initial, v.initial);
  }
}

/** Shows `text` in an error line, or hides the line when `text` is null. */
export function showError(el: HTMLElement, text: string | null): void {
  el.textContent = text ?? '';
  el.hidden = !text;
}

/**
 * Puts index.html's static texts in `lang`. An element marked
 * `data-i18n="key"` gets the catalogue's `page[key]`; a `{name}` in that text
 * is the element's child marked `data-slot="name"`, kept (with its id and
 * whatever a screen wrote in it) wherever the language places it. An element
 * marked `data-i18n-attr="attribute:key ..."` gets those attributes.
 */
export function localizePage(doc: Document, lang: Lang): void {
  const page: Readonly<Record<string, string>> = textsFor(lang).page;
  doc.documentElement.lang = lang;
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const text = page[el.dataset['i18n'] ?? ''];
    if (text === undefined) continue;
    const slots = new Map<string, Element>();
    for (const child of el.children) {
      const name = (child as HTMLElement).dataset?.['slot'];
      if (name) slots.set(name, child);
    }
    if (slots.size === 0) {
      el.textContent = text;
      continue;
    }
    // split() with a capture group: text, slot name, text, slot name, ..., text.
    const parts = text.split(/\{(\w+)\}/);
    el.replaceChildren(
      ...parts
        .map((part, i) => (i % 2 === 1 ? (slots.get(part) ?? part) : part))
        .filter((node) => node !== ''),
    );
  }
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset['i18nAttr'] ?? '').split(/\s+/)) {
      const [attribute, key] = pair.split(':');
      const text = key === undefined ? undefined : page[key];
      if (attribute && text !== undefined) el.setAttribute(attribute, text);
    }
  }
}

export class Shell {
  #current: Screen = 'loading';
  readonly #onLeave = new Map<Screen, () => void>();
  readonly #announcer = $('announce');
  readonly #logout = $<HTMLButtonElement>('logout');

  /** The screen on show. */
  get current(): Screen {
    return this.#current;
  }

  /** What a screen must undo when another one replaces it (the camera, a ticking timer). */
  onLeave(screen: Screen, fn: () => void): void {
    this.#onLeave.set(screen, fn);
  }

  /** Shows one screen; `signedIn` decides whether the header offers "Log out". */
  show(screen: Screen, signedIn: boolean, focus = true): void {
    if (screen !== this.#current) this.#onLeave.get(this.#current)?.();
    for (const s of SCREENS) $(`screen-${s}`).hidden = s !== screen;
    this.#current = screen;
    this.#logout.hidden = !signedIn;
    // Moving focus to the new screen's heading tells screen readers where they are.
    if (focus) $(`${screen}-title`).focus();
  }

  /** Reads `text` out through the polite live region. */
  announce(text: string): void {
    // Cleared first, so the same text twice is still read out.
    this.#announcer.textContent = '';
    setTimeout(() => {
      this.#announcer.textContent = text;
    }, 50);
  }
}
