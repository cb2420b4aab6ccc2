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
 * The tips for `lang`, with the caller's overrides on top. Chinese for any
 * `zh*` language (Authing's default is `zh-CN`), English otherwise.
 */
export function resolveTips(lang: string | undefined, overrides: Partial<Tips> = {}): Tips {
  const base = lang?.toLowerCase().startsWith('zh') ? zhCN : enUS;
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides) as [keyof Tips, unknown][]) {
    if (typeof v === 'string' && k in base) out[k] = v;
  }
  return out;
}
