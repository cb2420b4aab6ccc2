import { QrCodeAuthenticationClient } from './qrcode.js';
import { HttpClient } from './transport/http.js';
import type { AuthenticationClientOptions } from './types.js';

/**
 * The entry point, named and shaped like Authing's `AuthenticationClient`:
 * code written for that SDK runs by changing only the import.
 *
 * ```js
 * const client = new AuthenticationClient({ appId: 'APP_ID', appHost: 'https://login.example.com' });
 * client.qrcode.startScanning('qrcode', {
 *   onSuccess(userInfo, ticket) { ... },
 *   onError(message) { ... },
 * });
 * ```
 */
export class AuthenticationClient {
  readonly options: Readonly<AuthenticationClientOptions>;
  /** QR login with the Scanlogin app (scene `APP_AUTH`). */
  readonly qrcode: QrCodeAuthenticationClient;
  readonly #http: HttpClient;

  constructor(options: AuthenticationClientOptions) {
    if (!options?.appId) throw new TypeError('AuthenticationClient: appId is required');
    this.options = { ...options };
    this.#http = new HttpClient({
      appId: options.appId,
      appHost: (options.appHost ?? '').replace(/\/+$/, ''),
      // No lang: the page's (see pageLang); given one, exactly as authing-js-sdk uses it.
      lang: options.lang ?? null,
      ...(options.userPoolId ? { userPoolId: options.userPoolId } : {}),
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    });
    this.qrcode = new QrCodeAuthenticationClient(this.#http, () => this.#http.lang());
  }

  /** Changes the language of later requests and widgets (`x-authing-lang`, default tips). */
  setLang(lang: 'zh-CN' | 'en-US' | (string & {})): void {
    this.#http.settings.lang = lang;
  }
}
