/**
 * `@scanlogin/app-sdk`: the phone side of a Scanlogin QR login.
 *
 * ```ts
 * const app = new ScanloginApp({ host: 'https://login.example.com', appId });
 * await app.login(account, password);
 * const { qr, context } = await app.scan(scannedText); // parse, verify the signature, mark scanned
 * // show the confirm screen with `context`, then:
 * await app.confirm(qr.random); // or app.cancel(qr.random)
 * ```
 *
 * @packageDocumentation
 */

export type {
  AppActionResult,
  CodeResolution,
  DeviceDecision,
  DeviceRequestContext,
  ErrorName,
} from '@scanlogin/protocol';
export { QrStatus } from '@scanlogin/protocol';
export { ScanloginApp } from './client.js';
export type { ClientErrorName, ScanloginErrorKind, ScanloginErrorName } from './errors.js';
export {
  ClientErrorCodes,
  hasErrorName,
  isAuthError,
  isExpired,
  isNetworkError,
  isScanloginError,
  ScanloginError,
} from './errors.js';
export type { ParsedQr, ParseQrOptions, QrPayloadErrorReason } from './payload.js';
export { MAX_QR_TEXT_LENGTH, parseQrPayload, QrPayloadError } from './payload.js';
export type { CallOptions, FetchLike } from './transport.js';
export type {
  AppUser,
  PoolConfig,
  QrLoginRecord,
  RequestContext,
  ScanloginAppOptions,
  ScanResult,
  WebSession,
} from './types.js';
export type { JwksVerifierOptions, QrPayloadVerifier, QrVerification, QrVerifierContext } from './verify.js';
export { jwksVerifier } from './verify.js';
