/**
 * The companion web app: sign in, scan a website's login code, check where
 * the request came from, approve or deny; see and sign out the websites those
 * logins opened. Same origin as the service, so the API (and the keys that
 * codes are verified with) needs no CORS.
 *
 * This file only puts the screens (./screens/, one file each) together and
 * starts the app; the frame they share is ./shell.ts.
 */
import { Account } from './account.js';
import { pickLang, textsFor } from './i18n.js';
import type { App, Go } from './screens/app.js';
import { codeScreen } from './screens/code.js';
import { confirmScreen } from './screens/confirm.js';
import { deviceScreen } from './screens/device.js';
import { homeScreen } from './screens/home.js';
import { resultScreen } from './screens/result.js';
import { scanScreen } from './screens/scan.js';
import { sessionsScreen } from './screens/sessions.js';
import { signInScreen } from './screens/signin.js';
import { sitesScreen } from './screens/sites.js';
import { stepUpScreen } from './screens/stepup.js';
import { $, localizePage, type Screen, Shell } from './shell.js';

// The phone's language, once: the page's static texts, the screens' words and the service's.
const lang = pickLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
localizePage(document, lang);
const shell = new Shell();
const account = new Account(lang);
// Filled in below, once every screen exists.
const go = {} as Go;
const app: App = {
  shell,
  account,
  lang,
  t: textsFor(lang),
  go,
  show: (screen: Screen, focus = true) => shell.show(screen, account.session !== null, focus),
};

const result = resultScreen(app);
const signIn = signInScreen(app);
const home = homeScreen(app);
const sites = sitesScreen(app);
const sessions = sessionsScreen(app);
const scan = scanScreen(app);
const confirm = confirmScreen(app);
const stepUp = stepUpScreen(app, confirm.deny);
const code = codeScreen(app);
const device = deviceScreen(app);

Object.assign(go, {
  home: home.show,
  signIn: signIn.signOut,
  scan: () => void scan.start(),
  code: code.show,
  resolveCode: (c: string) => void code.resolve(c),
  scanText: (text: string) => void scan.handleCode(text),
  device: device.show,
  sites: sites.show,
  sessions: sessions.show,
  stepUp: stepUp.show,
  confirm: confirm.show,
  result: result.show,
  problem: result.problem,
} satisfies Go);

const offline = $('offline');
const updateOnline = () => {
  offline.hidden = navigator.onLine;
};
window.addEventListener('online', updateOnline);
window.addEventListener('offline', updateOnline);
updateOnline();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {
    // Without the worker the app still works; it just does not open offline.
  });
}

if (account.session) home.show();
else app.show('signin', false);
