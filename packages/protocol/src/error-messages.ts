/**
 * The registry's messages in every language. English is the `message` beside
 * each code in errors.ts; the other languages are here, one entry per error
 * name. A name of the registry missing here (or one here that the registry
 * lacks) is a type error, and the protocol's `i18n` test names it.
 */
import { ErrorCodes, type ErrorName } from './errors.js';
import type { Lang, Translated } from './i18n.js';

/** The registry in Chinese (Simplified), as a native speaker writes it for a login product. */
export const errorMessagesZhCN = {
  INVALID_JSON: '请求体不是有效的 JSON。',
  INVALID_REQUEST: '请求参数有误。',
  BODY_TOO_LARGE: '请求体过大。',
  UNSUPPORTED_MEDIA_TYPE: '请求体必须是 JSON（Content-Type: application/json）。',
  ROUTE_NOT_FOUND: '接口不存在。',
  RATE_LIMITED: '请求过于频繁，请稍后再试。',
  HEADERS_TOO_LARGE: '请求行或请求头过长（URL 是否超过了约 16 KB？）。',
  UNSUPPORTED_OPERATION: '此 GraphQL 接口只支持 authing-js-sdk 发送的登录操作。',

  LOGIN_REQUIRED: '请先登录（需要 Authorization 请求头）。',
  INVALID_TOKEN: '登录凭证无效或已过期。',
  WRONG_CREDENTIALS: '账号或密码错误。',
  TOO_MANY_LOGIN_ATTEMPTS: '失败次数过多，请稍后再试。',
  USER_BLOCKED: '该账号已被禁用。',
  APP_ID_REQUIRED: '请在 x-authing-app-id 请求头中指定应用。',
  APP_NOT_FOUND: '应用不存在。',
  POOL_NOT_FOUND: '用户池不存在。',
  INVALID_APP_CREDENTIALS: '应用凭证错误（HTTP Basic appId:appSecret）。',
  ORIGIN_NOT_ALLOWED: '该应用不允许来自此网页来源（origin）的请求。',
  BROWSER_EXCHANGE_DISABLED:
    '该应用只能在服务端兑换 ticket：请携带应用密钥（allowExchangeUserInfoFromBrowser 未开启）。',

  QR_NOT_FOUND: '二维码不存在。',
  QR_EXPIRED: '二维码已过期。',
  QR_WRONG_STATE: '二维码当前的状态不允许此操作。',
  QR_SCANNED_BY_OTHER: '该二维码已被其他用户扫描，只有该用户可以确认或取消。',
  QR_OTHER_POOL: '该二维码属于其他用户池。',
  TICKET_INVALID: 'ticket 无效、已被使用或已过期。',
  TICKET_OTHER_APP: '该 ticket 是签发给其他应用的。',
  CHECK_CODE_REQUIRED: '请先选择登录页面上显示的数字（checkCode），再确认登录。',
  CHECK_CODE_WRONG: '所选数字与登录页面上显示的不一致，本次登录已被拒绝。',
  STEP_UP_REQUIRED: '本次登录请求来自较远的地方：请在手机上验证密码后继续。',
  PROXIMITY_DENIED: '本次登录已被拒绝：发起请求的网页离你的手机太远。',
  STEP_UP_FAILED: '密码错误，登录未继续。',
  BINDING_MISMATCH: '只有请求该二维码的浏览器才能兑换它的 ticket。',
  QR_CODE_REPLACED: '该二维码已被新的二维码取代，请重新扫描页面上的二维码。',
  WEB_SESSION_NOT_FOUND: '该网站的登录状态不存在或已失效。',
  USER_CODE_NOT_FOUND: '没有与此代码对应的登录请求，请核对设备或登录页面上显示的代码。',
  USER_CODE_EXPIRED: '此代码已过期，请在设备上重新发起登录。',
  DEVICE_REQUEST_CLOSED: '该登录请求已被确认或拒绝。',
  SIGN_IN_EXPIRED: '此登录页面已过期，请返回网站重新登录。',
  QR_SCANNER_UNAVAILABLE: '扫描此二维码的账号已无法登录，本次登录已终止。',
  APP_SESSION_NOT_FOUND: '该设备的登录状态不存在或已失效。',
  APPROVAL_WITHDRAWN: '确认此次登录的手机已退出登录，请重新发起登录。',

  ADMIN_AUTH_REQUIRED: '需要管理员凭证（Authorization: Bearer <管理员令牌>）。',
  NOT_FOUND: '请求的对象不存在。',
  CONFLICT: '已存在唯一字段相同的对象。',

  INTERNAL: '服务器内部错误，请求 ID 已记录在日志中。',
  STORAGE_UNAVAILABLE: '存储服务暂时不可用，请稍后重试。',
  NOT_READY: '服务尚未就绪（正在启动，或尚未加载签名密钥），请稍后重试。',
} as const satisfies Record<ErrorName, string>;

/** Where each language's messages are (a language missing here is a type error). */
const messagesIn: Translated<(name: ErrorName) => string> = {
  'en-US': (name) => ErrorCodes[name].message,
  'zh-CN': (name) => errorMessagesZhCN[name],
};

/** The message of error `name` in `lang`: what the envelope says when nothing more specific is known. */
export function errorMessage(name: ErrorName, lang: Lang): string {
  return messagesIn[lang](name);
}
