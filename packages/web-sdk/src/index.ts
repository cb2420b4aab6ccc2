/**
 * `@scanlogin/web-sdk`: the browser side of scan-a-QR-code-to-log-in.
 * A drop-in for Authing's `AuthenticationClient` (its `qrcode` module), plus
 * the QR encoder it draws with.
 */
export type { CheckResult, GenerateResult, QrUserPreview } from '@scanlogin/protocol';
export { QrStatus } from '@scanlogin/protocol';
export { AuthenticationClient } from './client.js';
export { NETWORK_ERROR, ScanloginError } from './errors.js';
export type { Tips } from './i18n.js';
export { resolveTips } from './i18n.js';
export type { EcLevel, EncodeOptions, QrMatrix } from './qr/encoder.js';
export { encodeQr } from './qr/encoder.js';
export { encodeToFit, MIN_MODULE_PX, QUIET_ZONE, qrPathData, renderQrSvg } from './qr/render.js';
export type { Stoppable } from './qrcode.js';
export { QrCodeAuthenticationClient } from './qrcode.js';
export { BINDING_HEADER } from './transport/http.js';
export type {
  AuthenticationClientOptions,
  ExchangedUser,
  GeneCodeOptions,
  GeneCodeResult,
  PollingTimer,
  QrCodeStatus,
  QrUserInfo,
  RotateCodeResult,
  ScanningHandle,
  Size,
  StartPollingOptions,
  StartScanningOptions,
  StatusCallbacks,
  WatchMode,
} from './types.js';
