/**
 * The Scanlogin wire, described once: statuses, the QR payload, the envelope,
 * the error registry and every route's request and answer schemas.
 *
 * Compatibility, named once here: "Authing" in comments across the code base
 * means the hosted identity service whose QR login wire Scanlogin speaks, and
 * "authing-js-sdk" its JavaScript SDK (npm `authing-js-sdk`), which works
 * against Scanlogin unchanged but for its host. Where a field, a status number
 * or a default exists only because that SDK or that service's apps expect it,
 * the comment says so.
 */
export type { Envelope } from './envelope.js';
export { OK_CODE } from './envelope.js';
export { errorMessage, errorMessagesZhCN } from './error-messages.js';
export type { ErrorCode, ErrorName } from './errors.js';
export { ErrorCodes, errorNameOf } from './errors.js';
export { registerFormats } from './formats.js';
export type { Lang, Translated } from './i18n.js';
export { LANGS, langOfTag } from './i18n.js';
export { openApiDocument, transformOpenApiDocument } from './openapi.js';
export { appendQrSignature, formatQrPayload, QR_SIGNATURE_TYPE, unsignedQrPayload } from './payload.js';
export type {
  AnyRoute,
  HttpMethod,
  MediaResponse,
  OperationId,
  ResponseOf,
  Route,
  RouteDefinition,
  RouteSchema,
  Routes,
  TagName,
} from './routes.js';
export { APP_USER_ERRORS, BODY_ERRORS, COMMON_ERRORS, routes, tags } from './routes.js';
export {
  App,
  AppList,
  AppWithSecret,
  AuditQuery,
  CreateAppBody,
  CreatePoolBody,
  CreateUserBody,
  IdParams,
  ListAppsQuery,
  ListUsersQuery,
  Pool,
  PoolList,
  RotateKeyResult,
  UpdateAppBody,
  UpdatePoolBody,
  UpdateUserBody,
} from './schemas/admin.js';
export {
  AppSession,
  AppSessionList,
  AppSessionParams,
  LogoutQuery,
  UserSessionsRevokeResult,
} from './schemas/app-sessions.js';
export {
  ErrorEnvelope,
  type ErrorEnvelopeSchema,
  envelopeOf,
  errorEnvelopeOf,
  JsonObject,
  Nullable,
  ObjectId,
  QrStatusSchema,
  Timestamp,
} from './schemas/common.js';
export {
  CodeResolution,
  DeviceApproveBody,
  DeviceDecision,
  DeviceDenyBody,
  DeviceRequestContext,
  ResolveCodeBody,
} from './schemas/device.js';
export {
  type GraphqlLoginOperation,
  GraphqlLoginOperations,
  GraphqlRequest,
  graphqlErrorsOf,
  graphqlResponseOf,
  LoginByEmailInput,
  LoginByPhonePasswordInput,
  LoginByUsernameInput,
} from './schemas/graphql.js';
export {
  AppActionResult,
  AuditEntry,
  BindingHeaders,
  CancelBody,
  CheckQuery,
  CheckResult,
  ConfirmBody,
  ContextQuery,
  EventStream,
  EventsHeaders,
  EventsQuery,
  GenerateBody,
  GenerateResult,
  ImageParams,
  PageContextView,
  PngImage,
  ProximityPolicy,
  QrHistory,
  QrPayload,
  RequestContextView,
  RotateBody,
  RotateResult,
  ScannedBody,
  StatusEvent,
  StepUpBody,
  SvgImage,
  UserinfoBody,
} from './schemas/qrcode.js';
export {
  ActiveToken,
  InactiveToken,
  LoginAccountBody,
  PoolHeaders,
  TokenClaims,
  TokenValidateBody,
  TokenValidateResult,
} from './schemas/tokens.js';
export { QrUserPreview, User, UserWithToken } from './schemas/users.js';
export { RevokeResult, WebSession, WebSessionList, WebSessionParams } from './schemas/web-sessions.js';
export { Health, Jwks, OpenIdConfiguration, PoolPublicConfig, PublicJwk } from './schemas/well-known.js';
export type { SecurityRequirement, SecuritySchemeName } from './security.js';
export { securitySchemes } from './security.js';
export { isTerminalStatus, QrStatus, STEP_UP_AWARE_PARAM } from './status.js';
export { PAGE_CONTEXT_LIMITS, visibleText } from './text.js';
