import { type Lang, langOfTag, type Translated } from '@scanlogin/protocol';

/**
 * Texts of the scanning widget. The first nine keys are Authing's `tips`
 * option, unchanged; the rest are ours (states Authing's widget never drew).
 */
export interface Tips {
  /** Under a fresh code: what to do. */
  title: string;
  /** After the phone scanned, while the user decides. */
  scanned: string;
  /** After the user approved. */
  succeed: string;
  /** Shown while a fresh code replaces one the user cancelled. */
  canceled: string;
  /** The code expired. */
  expired: string;
  /** Label of the button that fetches a fresh code (after expiry or a failure). */
  retry: string;
  /** The code could not be loaded, or the wait failed for good. */
  failed: string;
  /** Over the code, under the scanner's name: what happens next. */
  middleTitle: string;
  /** Label of the button that drops a scanned code for a fresh one. */
  referText: string;
  /** The service is unreachable for now; the SDK retries on its own. */
  networkError: string;
  /** Label of the button that retries at once instead of waiting for the backoff. */
  retryNow: string;
  /** While a code is being fetched. */
  loading: string;
  /** Accessible name of the code image. */
  codeLabel: string;
  /** Over the number the user must pick on the phone (pools with check codes). */
  checkCode: string;
  /** The phone must prove more (status 4) before the user can confirm. */
  stepUp: string;
  /** The service stopped the login (status 5: its app was deleted, the scanner blocked...). */
  stopped: string;
}

const zhCN: Tips = {
  title: '请使用 App 扫码登录',
  scanned: '扫码成功，请在手机上确认登录',
  succeed: '登录成功',
  canceled: '已取消，请扫描新的二维码',
  expired: '二维码已过期',
  retry: '刷新二维码',
  failed: '二维码加载失败',
  middleTitle: '请在手机上确认登录',
  referText: '重新扫码',
  networkError: '网络异常，正在重试…',
  retryNow: '立即重试',
  loading: '正在加载二维码…',
  codeLabel: '扫码登录二维码',
  checkCode: '请在手机上选择这个数字',
  stepUp: '请在手机上完成额外验证',
  stopped: '本次登录已中止',
};

const enUS: Tips = {
  title: 'Scan with the app to sign in',
  scanned: 'Scanned. Confirm the sign-in on your phone',
  succeed: 'Signed in',
  canceled: 'Cancelled. Scan the new code to try again',
  expired: 'The QR code has expired',
  retry: 'Refresh the code',
  failed: 'The QR code could not be loaded',
  middleTitle: 'Confirm on your phone',
  referText: 'Scan again',
  networkError: 'Connection problem; retrying…',
  retryNow: 'Retry now',
  loading: 'Loading the QR code…',
  codeLabel: 'Sign-in QR code',
  checkCode: 'Pick this number on your phone',
  stepUp: 'Extra verification is needed on your phone',
  stopped: 'This sign-in was stopped',
};

/**
 * The SDK's own words beyond the tips: why it lost the service (shown under
 * the widget's `failed` tip and passed to `onError`, as the service's own
 * messages are), and how a label meets its value.
 */
export interface SdkMessages {
  /** The browser could not reach the service at all (offline, DNS, CORS). */
  unreachable: string;
  /** Something answered, but not the service (a proxy's error page, a captive portal). */
  notJson: (status: number) => string;
  /** No way of waiting for the phone works in this browser. */
  noTransport: string;
  /** The Server-Sent Events stream broke twice in a row. */
  streamInterrupted: string;
  /** A long-poll got no answer within its time. */
  longPollTimedOut: string;
  /** "Label: value", with the language's colon. */
  labelled: (label: string, value: string) => string;
}

const zhCNMessages: SdkMessages = {
  unreachable: '无法连接登录服务，请检查网络',
  notJson: (status) => `登录服务返回了无法识别的响应（HTTP ${status}）`,
  noTransport: '当前浏览器无法获取扫码状态',
  streamInterrupted: '与登录服务的连接已中断',
  longPollTimedOut: '等待扫码状态超时',
  labelled: (label, value) => `${label}：${value}`,
};

const enUSMessages: SdkMessages = {
  unreachable: 'Cannot reach the login service; check the connection',
  notJson: (status) => `The login service gave an answer that is not its own (HTTP ${status})`,
  noTransport: 'This browser has no way to get status updates from the service',
  streamInterrupted: 'The connection to the login service was interrupted',
  longPollTimedOut: 'Waiting for the status timed out',
  labelled: (label, value) => `${label}: ${value}`,
};

/** The SDK's own words in each language. */
export const SDK_MESSAGES: Translated<SdkMessages> = { 'zh-CN': zhCNMessages, 'en-US': enUSMessages };

/** The SDK's own words for a client's `lang` (see {@link tipsLang}). */
export function sdkMessages(lang: string | undefined): SdkMessages {
  return SDK_MESSAGES[tipsLang(lang)];
}

/** The widget's texts in each language (a language missing here is a type error). */
export const TIPS: Translated<Tips> = { 'zh-CN': zhCN, 'en-US': enUS };

/**
 * The language of the widget's texts for a client's `lang`: Chinese for any
 * `zh*` value (Authing's default is `zh-CN`), English otherwise.
 */
export function tipsLang(lang: string | undefined): Lang {
  return lang?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

/** The tips for `lang` (see {@link tipsLang}), with the caller's overrides on top. */
export function resolveTips(lang: string | undefined, overrides: Partial<Tips> = {}): Tips {
  const base = TIPS[tipsLang(lang)];
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides) as [keyof Tips, unknown][]) {
    if (typeof v === 'string' && k in base) out[k] = v;
  }
  return out;
}

/** What {@link pageLang} reads of the page; the globals by default. */
export interface PageLanguages {
  document?: { documentElement?: { lang?: string } | null } | undefined;
  navigator?: { languages?: readonly string[]; language?: string } | undefined;
}

/**
 * The language of a client given no `lang` option: the page's. Its
 * `<html lang>` first (what the site says it is written in), then the
 * browser's preferred languages, best first; any Chinese is zh-CN, any
 * English en-US. A page and browser that name neither get English, which
 * more of their readers read than Chinese; with no page at all (no
 * `document`: rendering on a server) it is authing-js-sdk's default, zh-CN. A page that passes
 * `lang` gets exactly what authing-js-sdk does with it.
 */
export function pageLang(
  from: PageLanguages = {
    document: globalThis.document,
    navigator: globalThis.navigator,
  },
): Lang {
  const { document: doc, navigator: nav } = from;
  // No page (rendering on a server; Node has a navigator of its own since 21): nothing to follow.
  if (!doc) return 'zh-CN';
  const preferred = [doc?.documentElement?.lang, ...(nav?.languages ?? []), nav?.language];
  for (const tag of preferred) {
    const lang = typeof tag === 'string' ? langOfTag(tag) : null;
    if (lang) return lang;
  }
  return 'en-US';
}
