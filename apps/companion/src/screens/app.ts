/**
 * What every screen is given: the shell it shows itself in, the signed-in
 * account, and the ways to the other screens. The screens are made first and
 * `go` is filled in once they all exist (main.ts), so a screen may lead to any
 * other without importing it.
 */
import type { DeviceRequestContext, ScanResult } from '@scanlogin/app-sdk';
import type { Account } from '../account.js';
import type { Lang, Texts } from '../i18n.js';
import type { NextStep, Stage } from '../messages.js';
import type { Screen, Shell } from '../shell.js';

export type Tone = 'ok' | 'denied' | 'problem';

export interface ResultOptions {
  tone: Tone;
  title: string;
  detail: string;
  actions: NextStep[];
  /** What "Try again" does, when the result offers it. */
  retry?: () => void;
}

export interface Go {
  /** The start screen (or sign-in when nobody is). */
  home(): void;
  /** Signs out and shows the sign-in screen, with a line to read out. */
  signIn(message?: string): void;
  scan(): void;
  /** "Enter a code": a device's code, or a sign-in page's short code. */
  code(): void;
  /** What a typed (or linked) code stands for, then its confirm screen. */
  resolveCode(code: string): void;
  /** Goes on with a code's text as if it had been scanned (a short code's payload). */
  scanText(text: string): void;
  /** The confirm screen of a device's sign-in request. */
  device(d: DeviceRequestContext): void;
  sites(): void;
  /** The devices signed in to this account (app sessions). */
  sessions(): void;
  stepUp(r: ScanResult): void;
  confirm(r: ScanResult): void;
  result(opts: ResultOptions): void;
  /** The result screen for a failure at `stage`, with the next steps that fit it. */
  problem(err: unknown, stage: Stage, retry?: () => void): void;
}

export interface App {
  shell: Shell;
  account: Account;
  /** The language the app speaks (chosen once, at start, from the phone's). */
  lang: Lang;
  /** Its words. */
  t: Texts;
  go: Go;
  /** Shows a screen, with "Log out" in the header while someone is signed in. */
  show(screen: Screen, focus?: boolean): void;
}
