/**
 * What the service says to people beyond the registry's one message per
 * error (packages/protocol/src/error-messages.ts): the details an error may
 * carry instead (which field, how many seconds), the words of a status, of a
 * place, of an application that is gone. Every entry is written in every
 * language (`Translated`: a missing one is a type error, and the server's
 * `i18n` test names it); the HTTP layer picks the language of the request.
 *
 * The domain throws a `Detail` (a key and its parameters), never finished
 * text, so that the words are chosen where the request's language is known.
 */
import { type Lang, QrStatus, type Translated } from '@scanlogin/protocol';

/** A text, or a function of the detail's parameters when it has some. */
type Words<P> = [P] extends [undefined] ? string : (p: P) => string;
/** One text in every language; `P` is what it is told (nothing by default). */
const say = <P = undefined>(texts: Translated<Words<P>>) => texts;

/** The words of each status (the app calls' `description`, and details that name a state). */
export const statusWords: Translated<Readonly<Record<QrStatus, string>>> = {
  'en-US': {
    [QrStatus.Pending]: 'Not scanned yet',
    [QrStatus.Scanned]: 'Scanned; waiting for the user to decide',
    [QrStatus.Authorized]: 'Authorized',
    [QrStatus.Cancelled]: 'Cancelled by the user',
    [QrStatus.StepUp]: 'More authentication is needed',
    [QrStatus.Expired]: 'Expired',
    [QrStatus.Error]: 'Stopped by an error',
  },
  'zh-CN': {
    [QrStatus.Pending]: '尚未扫描',
    [QrStatus.Scanned]: '已扫描，等待用户确认',
    [QrStatus.Authorized]: '已授权',
    [QrStatus.Cancelled]: '已被用户取消',
    [QrStatus.StepUp]: '需要进一步验证',
    [QrStatus.Expired]: '已过期',
    [QrStatus.Error]: '因错误而终止',
  },
};

/** What an app call tried, for "cannot ..." (the state machine's actions). */
const actionWords: Translated<Readonly<Record<string, string>>> = {
  'en-US': {
    scan: 'scan',
    scanNeedsStepUp: 'scan',
    refuse: 'refuse',
    stepUp: 'step up',
    confirm: 'confirm',
    cancel: 'cancel',
  },
  'zh-CN': {
    scan: '扫描',
    scanNeedsStepUp: '扫描',
    refuse: '拒绝',
    stepUp: '验证',
    confirm: '确认登录',
    cancel: '取消',
  },
};

/** A user's unique fields, as the storage adapters name them in a conflict. */
const fieldWords: Translated<Readonly<Record<string, string>>> = {
  'en-US': { username: 'username', email: 'email', phone: 'phone', id: 'id', kid: 'key id' },
  'zh-CN': { username: '用户名', email: '邮箱', phone: '手机号', id: 'ID', kid: '密钥 ID' },
};
const wordOr = (words: Readonly<Record<string, string>>, key: string) =>
  Object.hasOwn(words, key) ? words[key]! : key;

/** Words that are not errors: places and applications as the phone is shown them. */
export const words = {
  /** The place of a loopback address. */
  thisMachine: say({ 'en-US': 'This machine', 'zh-CN': '本机' }),
  /** The place of a private address. */
  localNetwork: say({ 'en-US': 'Local network', 'zh-CN': '局域网' }),
  /** The name of an application the service cannot find (the confirm screen). */
  unknownApp: say({ 'en-US': 'Unknown application', 'zh-CN': '未知应用' }),
  /** The name of an application deleted since (history, signed-in websites). */
  deletedApp: say({ 'en-US': 'Deleted application', 'zh-CN': '已删除的应用' }),
};

/** One failed JSON-schema check (Ajv's error, as Fastify hands it over). */
export interface FieldProblem {
  /** Where the field is: `body.random`, `querystring.wait`. */
  field: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Ajv's English words ("must be string"). */
  message: string | undefined;
}

/** A field problem in Chinese, by the schema keyword that failed. */
function fieldProblemZh({ field, keyword, params }: FieldProblem): string {
  const limit = params['limit'];
  switch (keyword) {
    case 'required':
      return `缺少必填字段 ${field}。`;
    case 'type':
      return `${field} 的类型应为 ${String(params['type'])}。`;
    case 'minLength':
      return `${field} 的长度不能少于 ${limit} 个字符。`;
    case 'maxLength':
      return `${field} 的长度不能超过 ${limit} 个字符。`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${field} 不能小于 ${limit}。`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field} 不能大于 ${limit}。`;
    case 'minItems':
      return `${field} 的元素不能少于 ${limit} 个。`;
    case 'maxItems':
      return `${field} 的元素不能多于 ${limit} 个。`;
    case 'pattern':
    case 'format':
      return `${field} 的格式不正确。`;
    case 'enum':
    case 'const':
      return `${field} 的取值不在允许的范围内。`;
    case 'additionalProperties':
      return `${field} 含有不允许的字段 ${String(params['additionalProperty'])}。`;
    default:
      return `${field} 无效。`;
  }
}

/**
 * The details an error may carry instead of its registry message. Keys are
 * what the detail says; `fail(name, detail(key, params))` throws one.
 */
/** The lists of addresses an OpenID client registers, named in a detail. */
export type UriKind = 'redirect' | 'postLogout';
const uriWords: Translated<Record<UriKind, string>> = {
  'en-US': { redirect: 'redirect URIs', postLogout: 'post-logout redirect URIs' },
  'zh-CN': { redirect: '回调地址', postLogout: '退出登录后的跳转地址' },
};

export const details = {
  appTokenOnly: say({
    'en-US': 'This token cannot approve QR logins; use the app token.',
    'zh-CN': '此登录凭证不能用于确认扫码登录，请使用 App 的登录凭证。',
  }),
  sessionRevoked: say({
    'en-US': 'The token is invalid, has expired, or its session was revoked.',
    'zh-CN': '登录凭证无效、已过期，或其会话已被注销。',
  }),
  appOrPoolRequired: say({
    'en-US': 'Name the application (x-authing-app-id) or the user pool (x-authing-userpool-id).',
    'zh-CN': '请指定应用（x-authing-app-id）或用户池（x-authing-userpool-id）。',
  }),
  retryIn: say<{ seconds: number }>({
    'en-US': ({ seconds }) => `Too many requests; retry in ${seconds} s.`,
    'zh-CN': ({ seconds }) => `请求过于频繁，请在 ${seconds} 秒后重试。`,
  }),
  pollingTooFast: say({
    'en-US': 'Polling too fast: slow down and retry after the time in Retry-After.',
    'zh-CN': '轮询过于频繁：请放慢速度，并在 Retry-After 指定的时间之后重试。',
  }),
  tooManyHeld: say<{ held: number; seconds: number }>({
    'en-US': ({ held, seconds }) =>
      `This address already holds ${held} open status streams or long-polls; close some, or retry in ${seconds} s.`,
    'zh-CN': ({ held, seconds }) =>
      `该地址已保持 ${held} 个状态推送或长轮询连接：请关闭一部分，或在 ${seconds} 秒后重试。`,
  }),
  pageContextTooLarge: say<{ max: number }>({
    'en-US': ({ max }) => `context must be at most ${max} bytes of JSON.`,
    'zh-CN': ({ max }) => `context 序列化为 JSON 后不能超过 ${max} 字节。`,
  }),
  appTokenBeforeSessions: say({
    'en-US': 'This app token is from before sign-out existed; sign in again.',
    'zh-CN': '此 App 登录凭证签发于支持退出登录之前，请重新登录。',
  }),
  appSessionEnded: say({
    'en-US': 'The token is invalid, has expired, or was signed out.',
    'zh-CN': '登录凭证无效、已过期，或已退出登录。',
  }),
  customDataTooLarge: say<{ max: number }>({
    'en-US': ({ max }) => `customData must be at most ${max} bytes of JSON.`,
    'zh-CN': ({ max }) => `customData 序列化为 JSON 后不能超过 ${max} 字节。`,
  }),
  rotateByRequesterOnly: say({
    'en-US': 'Only the browser that asked may rotate this code.',
    'zh-CN': '只有请求该二维码的浏览器才能轮换它。',
  }),
  notRotating: say({
    'en-US': 'This QR code was created without rotation.',
    'zh-CN': '该二维码创建时未启用轮换。',
  }),
  onlyWaitingRotates: say<{ status: QrStatus }>({
    'en-US': ({ status }) =>
      `The QR code is ${statusWords['en-US'][status].toLowerCase()}; only a waiting code rotates.`,
    'zh-CN': ({ status }) => `二维码${statusWords['zh-CN'][status]}，只有等待扫描的二维码才能轮换。`,
  }),
  cannotAct: say<{ status: QrStatus; action: string }>({
    'en-US': ({ status, action }) =>
      `The QR code is ${statusWords['en-US'][status].toLowerCase()}; cannot ${wordOr(actionWords['en-US'], action)}.`,
    'zh-CN': ({ status, action }) =>
      `二维码${statusWords['zh-CN'][status]}，无法${wordOr(actionWords['zh-CN'], action)}。`,
  }),
  scanBeforeContext: say({
    'en-US': 'Mark the QR code scanned before reading its context.',
    'zh-CN': '请先将二维码标记为已扫描，再读取请求的信息。',
  }),
  notAnOrigin: say<{ value: string }>({
    'en-US': ({ value }) => `Not a web origin: ${value}`,
    'zh-CN': ({ value }) => `不是有效的网页来源（origin）：${value}`,
  }),
  userNeedsIdentifier: say({
    'en-US': 'A user needs a username, an email or a phone.',
    'zh-CN': '用户至少需要用户名、邮箱或手机号中的一项。',
  }),
  fieldTaken: say<{ field: string }>({
    'en-US': ({ field }) => `That ${wordOr(fieldWords['en-US'], field)} is already taken in this pool.`,
    'zh-CN': ({ field }) => `该用户池中已存在相同的${wordOr(fieldWords['zh-CN'], field)}。`,
  }),
  invalidField: say<FieldProblem>({
    'en-US': (p) =>
      p.keyword === 'required' ? `${p.field} is required.` : `${p.field} ${p.message ?? 'is invalid'}.`,
    'zh-CN': fieldProblemZh,
  }),
  /** A request error Fastify names in its own words, which are English. */
  badRequest: say<{ text: string }>({
    'en-US': ({ text }) => text,
    'zh-CN': ({ text }) => `请求无效：${text}`,
  }),
  malformedUrl: say({ 'en-US': 'The URL is malformed.', 'zh-CN': 'URL 格式有误。' }),
  textHasNul: say({
    'en-US': 'Text must not contain NUL (U+0000) characters.',
    'zh-CN': '文本中不能包含 NUL（U+0000）字符。',
  }),
  textHasLoneSurrogate: say({
    'en-US':
      'Text must be well-formed Unicode: a lone surrogate (U+D800 to U+DFFF without its pair) is not a character.',
    'zh-CN': '文本必须是格式正确的 Unicode：不成对的代理项（U+D800 至 U+DFFF）不是字符。',
  }),
  serviceStarting: say({ 'en-US': 'The service is starting.', 'zh-CN': '服务正在启动。' }),
  noSigningKey: say({ 'en-US': 'No signing key is loaded.', 'zh-CN': '尚未加载签名密钥。' }),
  noCookieKey: say({ 'en-US': 'No cookie key is stored.', 'zh-CN': '未找到 Cookie 密钥。' }),
  urisNotList: say<{ what: UriKind }>({
    'en-US': ({ what }) => `${uriWords['en-US'][what]} must be a list of URLs.`,
    'zh-CN': ({ what }) => `${uriWords['zh-CN'][what]}必须是 URL 列表。`,
  }),
  tooManyUris: say<{ what: UriKind; max: number }>({
    'en-US': ({ what, max }) => `At most ${max} ${uriWords['en-US'][what]}.`,
    'zh-CN': ({ what, max }) => `${uriWords['zh-CN'][what]}最多 ${max} 个。`,
  }),
  uriNotAllowed: say<{ what: UriKind; value: string }>({
    'en-US': ({ what, value }) =>
      `Not an allowed ${uriWords['en-US'][what].replace(/s$/, '')}: ${value} (an absolute https:// URL without #fragment, or http://localhost / 127.0.0.1 for development).`,
    'zh-CN': ({ what, value }) =>
      `不允许的${uriWords['zh-CN'][what]}：${value}（须为不带 #片段 的 https:// 绝对地址；开发时可用 http://localhost 或 127.0.0.1）。`,
  }),
  signInStepNoQr: say({
    'en-US': 'This sign-in step expects no QR login.',
    'zh-CN': '当前登录步骤不需要扫码登录。',
  }),
  signInStepNoConsent: say({
    'en-US': 'This sign-in step asks no consent.',
    'zh-CN': '当前登录步骤不需要授权确认。',
  }),
  signInStepNoCode: say({
    'en-US': 'This sign-in step shows no code.',
    'zh-CN': '当前登录步骤不显示二维码。',
  }),
  shortCodeWaitingOnly: say({
    'en-US': 'Only a waiting code of this sign-in page gets a short code.',
    'zh-CN': '只有此登录页面上等待扫描的二维码才能获取短代码。',
  }),
  tooManyWrongCodes: say({
    'en-US': 'Too many wrong codes; wait before trying again.',
    'zh-CN': '输错代码的次数过多，请稍后再试。',
  }),
  jsonTooDeep: say({
    'en-US': 'JSON must not nest deeper than 64 levels.',
    'zh-CN': 'JSON 的嵌套不能超过 64 层。',
  }),
};

export type DetailKey = keyof typeof details;
/** The parameters detail `K` takes: none, or one object. */
type ParamsOf<K extends DetailKey> = (typeof details)[K]['en-US'] extends (p: infer P) => string
  ? [params: P]
  : [];

/** A detail to say instead of an error's registry message, in whatever language the answer speaks. */
export interface Detail {
  readonly key: DetailKey;
  readonly params: unknown;
}

export function detail<K extends DetailKey>(key: K, ...params: ParamsOf<K>): Detail {
  return { key, params: params[0] };
}

/** Says `d` in `lang`. */
export function sayDetail(d: Detail, lang: Lang): string {
  const texts = details[d.key][lang] as string | ((p: unknown) => string);
  return typeof texts === 'function' ? texts(d.params) : texts;
}
