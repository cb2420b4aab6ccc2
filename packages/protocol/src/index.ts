export type {
  AppActionResult,
  CheckResult,
  CodeResolution,
  DeviceDecision,
  DeviceRequestContext,
  GenerateResult,
  QrUserPreview,
  StatusEvent,
} from './api.js';
export type { Envelope } from './envelope.js';
export { OK_CODE } from './envelope.js';
export type { ErrorCode, ErrorName } from './errors.js';
export { ErrorCodes, errorNameOf } from './errors.js';
export type { QrPayload } from './payload.js';
export { formatQrPayload, QR_SIGNATURE_TYPE } from './payload.js';
export { isTerminalStatus, QrStatus } from './status.js';
