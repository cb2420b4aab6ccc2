/**
 * THE SAME QR LOGIN IN CHINESE AND IN ENGLISH, in real Chromium. A website
 * that gives the web SDK no `lang` shows its widget in the page's language
 * (`<html lang>`, here the opposite of the browser's, to show which wins); a
 * phone whose browser prefers that language signs in to the companion, scans
 * the code, reads the confirm screen (with the distance warning and the
 * places the service names, in that language too), approves, and finds the
 * login in its history. Every step waits for the words it expects, so a text
 * in the wrong language fails the test by name; the confirm screen is also
 * searched for any word of the other language.
 *
 * No wait has a deadline. The service runs on a ManualClock; the desktop's
 * timers are paused with it and the phone's `Date` shows its time
 * (e2e/support.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildCompanion } from '../apps/companion/test/build.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import { admin, assertOk, startTestServer, type TestServer } from '../packages/server/test/helpers.js';
import { iifeOptions } from '../packages/web-sdk/build.mjs';
import { fakeCameraArgs, writeFakeCamera } from './fake-camera.js';
import {
  eventually,
  launchChromium,
  newContext,
  pauseClock,
  readQrFrom,
  type StaticSite,
  serveStatic,
  showServiceTime,
} from './support.js';

/** Where X-Forwarded-For puts each browser: the website's in the United Kingdom, the phone in the United States. */
const DESKTOP_IP = '81.2.69.160';
const PHONE_IP = '8.8.8.8';

/** What each language's run expects to read, word for word. */
interface Expected {
  /** The phone browser's language, and the page's `<html lang>`. */
  phoneLocale: string;
  pageLang: string;
  /** The desktop browser's own language: the other one, which the page's `<html lang>` beats. */
  desktopLocale: string;
  widget: { title: string; scanned: string; succeed: string };
  signIn: { account: string; password: string; button: string; hello: string };
  scan: string;
  confirm: {
    title: string;
    intro: string;
    labels: string[];
    where: string;
    distance: string;
    warning: string;
    expiry: RegExp;
    deny: string;
    approve: string;
  };
  result: { title: string; detail: (origin: string) => string; home: string };
  history: { outcome: string; where: string };
  /** A word of the other language. */
  foreign: RegExp;
}

const ZH: Expected = {
  phoneLocale: 'zh-CN',
  pageLang: 'zh-CN',
  desktopLocale: 'en-US',
  widget: { title: '请使用 App 扫码登录', scanned: '扫码成功，请在手机上确认登录', succeed: '登录成功' },
  signIn: { account: '账号', password: '密码', button: '登录', hello: '你好，Alice' },
  scan: '扫描登录二维码',
  confirm: {
    title: '登录 Demo website？',
    intro: '有人请求用你的账号登录，请确认是你本人操作。',
    labels: ['网站', '请求来源', '浏览器 （由浏览器自行报告）', '时间'],
    where: `英国（${DESKTOP_IP}）`,
    distance:
      '你的手机似乎离发起请求的浏览器很远（请求来自英国；你的手机位于美国）。除非确定是你本人，否则请拒绝。',
    warning:
      '如果这个页面不是你刚刚亲自打开的，请点击“拒绝”。可能有人把他们的二维码发给你，想借此登录你的账号。',
    expiry: /^此请求将于\d+分钟后过期。$/,
    deny: '拒绝',
    approve: '确认登录',
  },
  result: {
    title: '已确认登录',
    detail: (origin) => `正在为你登录 Demo website（${origin}），请回到该网站页面继续操作。`,
    home: '返回首页',
  },
  history: { outcome: '已确认', where: `来自英国（${DESKTOP_IP}）` },
  foreign: /[A-Za-z]{2,}/,
};

const EN: Expected = {
  phoneLocale: 'en-US',
  pageLang: 'en',
  desktopLocale: 'zh-CN',
  widget: {
    title: 'Scan with the app to sign in',
    scanned: 'Scanned. Confirm the sign-in on your phone',
    succeed: 'Signed in',
  },
  signIn: { account: 'Account', password: 'Password', button: 'Sign in', hello: 'Hello, Alice' },
  scan: 'Scan a login code',
  confirm: {
    title: 'Log in to Demo website?',
    intro: 'Someone asked to log in with your account. Check that it was you.',
    labels: ['Website', 'Requested from', 'Browser (reported by the browser)', 'Time'],
    where: `United Kingdom (${DESKTOP_IP})`,
    distance:
      'Your phone seems to be far from the browser that asked (the request came from United Kingdom; your phone is in United States). Deny unless you are sure it is you.',
    warning:
      'If you did not just open this page yourself, tap Deny. Someone may have sent you their code to get into your account.',
    expiry: /^This request expires in \d+ minutes\.$/,
    deny: 'Deny',
    approve: 'Approve',
  },
  result: {
    title: 'Approved',
    detail: (origin) => `You are being logged in to Demo website (${origin}). Continue on that screen.`,
    home: 'Back to start',
  },
  history: { outcome: 'Approved', where: `From United Kingdom (${DESKTOP_IP})` },
  foreign: /\p{Script=Han}/u,
};

describe('the same QR login in Chinese and in English', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let site: StaticSite;
  let desktop: Browser;
  let phoneBrowser: Browser;
  let scratch: string;
  let camera: string;
  const contexts: BrowserContext[] = [];
  /** The website's pages, filled in once the service (and so the app id) exists. */
  const routes: Record<string, { type: string; body: string }> = {};

  before(async () => {
    const built = await esbuild.build(iifeOptions(false));
    routes['/scanlogin.iife.js'] = {
      type: 'text/javascript',
      body: built.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '',
    };
    site = await serveStatic(routes);
    s = await startTestServer({
      clock,
      // X-Forwarded-For is trusted so that the two browsers can be placed in two countries.
      env: { DEMO_ORIGINS: site.url, TRUST_PROXY: '1', COMPANION: buildCompanion() },
    });
    // The phone is told how far away the request comes from, and may still approve.
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${s.seed.pool.id}`, { proximityPolicy: 'warn' }));
    for (const lang of [ZH.pageLang, EN.pageLang]) routes[`/${lang}`] = websitePage(lang);

    scratch = mkdtempSync(join(tmpdir(), 'languages-'));
    camera = join(scratch, 'camera.y4m');
    writeFakeCamera(camera, null);
    desktop = await launchChromium();
    phoneBrowser = await launchChromium(fakeCameraArgs(camera));
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await phoneBrowser?.close();
    await desktop?.close();
    await s?.close();
    await site?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A login page written for authing-js-sdk: no `lang` option, so the widget follows the page. */
  function websitePage(lang: string): { type: string; body: string } {
    const script = `
      const client = new ScanLogin.AuthenticationClient({
        appId: ${JSON.stringify(s.seed.app.id)},
        appHost: ${JSON.stringify(s.url)},
      });
      client.qrcode.startScanning('qrcode', {
        onSuccess(userInfo, ticket) {
          document.getElementById('done').textContent = ticket ? 'ticket' : 'none';
        },
      });`;
    return {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="${lang}"><meta charset="utf-8"><body><div id="qrcode" style="display:inline-block"></div><p id="done"></p><script src="/scanlogin.iife.js"></script><script>${script}</script></body></html>`,
    };
  }

  async function openWebsite(t: Expected): Promise<Page> {
    const context = await newContext(desktop, {
      locale: t.desktopLocale,
      viewport: { width: 1000, height: 700 },
    });
    contexts.push(context);
    await pauseClock(context, clock);
    // Added below the page (page headers would need CORS approval) on its calls to the service.
    await context.route(`${s.url}/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': DESKTOP_IP } }),
    );
    const page = await context.newPage();
    await page.goto(`${site.url}/${t.pageLang}`);
    return page;
  }

  async function openPhone(t: Expected): Promise<Page> {
    const context = await newContext(phoneBrowser, {
      locale: t.phoneLocale,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      extraHTTPHeaders: { 'x-forwarded-for': PHONE_IP },
    });
    contexts.push(context);
    await showServiceTime(context, clock);
    return context.newPage();
  }

  /** The widget's status line, once it reads `text`. */
  const widgetSays = (page: Page, text: string) =>
    page.locator('.scanlogin [role="status"][aria-live="polite"]', { hasText: text }).waitFor();

  /**
   * The confirm screen's words, without what it quotes from elsewhere (the
   * app's name, the website's address, the browser's name, addresses): they
   * are data, in no language of ours.
   */
  const confirmWords = (phone: Page) =>
    phone.locator('#screen-confirm').evaluate((screen) => {
      const copy = screen.cloneNode(true) as HTMLElement;
      for (const data of copy.querySelectorAll('#confirm-app, #confirm-origin, #confirm-device, [hidden]')) {
        data.remove();
      }
      return (copy.textContent ?? '').replace(/\d{1,3}(\.\d{1,3}){3}/g, ' ');
    });

  for (const t of [ZH, EN]) {
    it(`${t.phoneLocale}: the website, the phone and the service all speak it`, async () => {
      // The website: the page's language, not the desktop browser's.
      const website = await openWebsite(t);
      await widgetSays(website, t.widget.title);
      assert.equal(await website.locator('.scanlogin').getAttribute('lang'), t.phoneLocale);
      const code = await eventually(() => readQrFrom(website.locator('#qrcode')));
      assert.ok(code);

      // The phone: signs in with the words of its language.
      const phone = await openPhone(t);
      await phone.goto(`${s.url}/companion/`);
      const form = phone.locator('#signin-form');
      await form.getByLabel(t.signIn.account).fill('alice');
      await form.getByLabel(t.signIn.password, { exact: true }).fill('alice-demo-pass');
      await form.getByRole('button', { name: t.signIn.button, exact: true }).tap();
      await phone.locator('#home-title', { hasText: t.signIn.hello }).waitFor();
      assert.equal(await phone.evaluate(() => document.documentElement.lang), t.phoneLocale);

      // Scans the website's code and reads the confirm screen.
      writeFakeCamera(camera, await website.locator('#qrcode').screenshot());
      await phone.getByRole('button', { name: t.scan }).tap();
      await phone.locator('#screen-confirm').waitFor();
      const text = async (selector: string) => (await phone.locator(selector).textContent())?.trim();
      assert.equal(await text('#confirm-title'), t.confirm.title);
      assert.equal(await text('#screen-confirm h1 + p'), t.confirm.intro);
      const labels = await phone.locator('#screen-confirm dt').allTextContents();
      assert.deepEqual(
        labels.map((l) => l.replace(/\s+/g, ' ').trim()),
        t.confirm.labels,
      );
      assert.equal(await text('#confirm-where'), t.confirm.where);
      await phone.locator('#confirm-proximity', { hasText: t.confirm.distance }).waitFor();
      assert.equal(await text('#confirm-warning'), t.confirm.warning);
      assert.match((await text('#confirm-expiry')) ?? '', t.confirm.expiry);
      assert.doesNotMatch(await confirmWords(phone), t.foreign, 'a word of the other language');

      // The website sees the scan, in its language.
      await widgetSays(website, t.widget.scanned);

      // Approves.
      await phone.getByRole('button', { name: t.confirm.deny, exact: true }).waitFor();
      await phone.getByRole('button', { name: t.confirm.approve, exact: true }).tap();
      await phone.locator('#result-title', { hasText: t.result.title }).waitFor();
      assert.equal(await text('#result-detail'), t.result.detail(site.url));
      await widgetSays(website, t.widget.succeed);
      await website.locator('#done', { hasText: 'ticket' }).waitFor();

      // The history names the place in the phone's language: the service's words.
      await phone.getByRole('button', { name: t.result.home, exact: true }).tap();
      const entry = phone.locator('#history-list li', { hasText: t.history.where });
      await entry.first().waitFor();
      assert.match((await entry.first().textContent()) ?? '', new RegExp(t.history.outcome));
    });
  }
});
