/**
 * What the companion tells the user when something goes wrong, and what it
 * offers next, in the app's language. Pure: no DOM, so it is unit-tested on
 * its own. Every failure the app can meet maps to one `Problem` with a stable
 * `id`; its words are the catalogue's (./texts/).
 */
import { isScanloginError, QrPayloadError, type QrPayloadErrorReason } from '@scanlogin/app-sdk';
import { formatDuration, type Lang, type Texts, textsFor } from './i18n.js';

/** A way on from a problem; the first one offered is the main one. */
export type NextStep = 'scan-again' | 'retry' | 'sign-in' | 'home';

/** Where the app was when the failure happened; a few codes read differently per step. */
export type Stage = 'sign-in' | 'scan' | 'decide' | 'history' | 'sites' | 'code' | 'device';

export type ProblemId =
  | 'expired'
  | 'used-or-cancelled'
  | 'unknown-code'
  | 'other-pool'
  | 'scanned-by-other'
  | 'wrong-check-code'
  | 'check-code-required'
  | 'too-far'
  | 'step-up-required'
  | 'login-stopped'
  | 'wrong-password'
  | 'not-login-code'
  | 'damaged-code'
  | 'bad-signature'
  | 'unsigned-code'
  | 'insecure-page'
  | 'already-signed-out'
  | 'wrong-code'
  | 'code-expired'
  | 'device-closed'
  | 'network'
  | 'timeout'
  | 'signed-out'
  | 'blocked'
  | 'wrong-credentials'
  | 'too-many-attempts'
  | 'rate-limited'
  | 'unavailable'
  | 'bad-response'
  | 'unexpected';

export interface Problem {
  id: ProblemId;
  title: string;
  detail: string;
  actions: NextStep[];
}

type Words = { title: string; detail: string };

const problem = (id: ProblemId, words: Words, actions: NextStep[]): Problem => ({
  id,
  title: words.title,
  detail: words.detail,
  actions,
});

function isPayloadError(err: unknown): err is QrPayloadError {
  if (err instanceof QrPayloadError) return true;
  const e = err as { name?: unknown; reason?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'QrPayloadError' && typeof e.reason === 'string';
}

function payloadProblem(reason: QrPayloadErrorReason, t: Texts['problems']): Problem {
  switch (reason) {
    case 'expired':
      return problem('expired', t.expired, ['scan-again', 'home']);
    case 'not-json':
    case 'not-login-code':
    case 'too-long':
      return problem('not-login-code', t.notLoginCode, ['scan-again', 'home']);
    case 'bad-signature':
      return problem('bad-signature', t.badSignature, ['scan-again', 'home']);
    case 'unsigned':
      return problem('unsigned-code', t.unsignedCode, ['scan-again', 'home']);
    default:
      return problem('damaged-code', t.damagedCode, ['scan-again', 'home']);
  }
}

/**
 * The page cannot check signatures: WebCrypto exists only in a secure context
 * (https://, or localhost), and the app SDK refuses codes it cannot verify.
 */
export function insecurePage(lang: Lang): Problem {
  return problem('insecure-page', textsFor(lang).problems.insecurePage, ['home']);
}

/** "Wait 30 seconds, then try again." (Intl's words for the length of time). */
function waitText(seconds: number | null, lang: Lang): string {
  const t = textsFor(lang).wait;
  if (!seconds || seconds <= 0) return t.aLittle;
  if (seconds < 90) return t.exactly(formatDuration(seconds, 'second', lang));
  return t.about(formatDuration(Math.ceil(seconds / 60), 'minute', lang));
}

/**
 * The message and the ways on for a failure at `stage`, in `lang`. Unknown
 * failures get a generic message that still names the service's request id,
 * if any (the service's own message is in `lang` too: the app asks for it).
 */
export function describeProblem(err: unknown, stage: Stage, lang: Lang): Problem {
  const words = textsFor(lang);
  const t = words.problems;
  if (isPayloadError(err)) return payloadProblem(err.reason, t);
  if (!isScanloginError(err)) {
    return problem('unexpected', t.unexpected, [stage === 'sign-in' ? 'retry' : 'scan-again', 'home']);
  }

  // The sign-in, history and websites screens have no code to scan again.
  const again: NextStep[] =
    stage === 'scan' || stage === 'decide'
      ? ['retry', 'scan-again']
      : stage === 'code' || stage === 'device'
        ? ['retry', 'home']
        : ['retry'];
  const requestId = err.requestId ? words.requestId(err.requestId) : '';
  switch (err.kind) {
    case 'network':
      return problem('network', t.network, again);
    case 'timeout':
      return problem('timeout', t.timeout, again);
    case 'bad-response':
      return problem('bad-response', t.badResponse, again);
    case 'aborted':
      return problem('unexpected', t.cancelled, again);
    default:
      break;
  }

  switch (err.errorName) {
    case 'QR_EXPIRED':
    case 'QR_CODE_REPLACED':
      return problem('expired', t.expired, ['scan-again', 'home']);
    case 'QR_NOT_FOUND':
      return problem('unknown-code', t.unknownCode, ['scan-again', 'home']);
    case 'QR_OTHER_POOL':
      return problem('other-pool', t.otherPool, ['scan-again', 'sign-in']);
    case 'QR_SCANNED_BY_OTHER':
      return problem('scanned-by-other', t.scannedByOther, ['scan-again', 'home']);
    case 'CHECK_CODE_WRONG':
      return problem('wrong-check-code', t.wrongCheckCode, ['scan-again', 'home']);
    case 'CHECK_CODE_REQUIRED':
      return problem('check-code-required', t.checkCodeRequired, ['scan-again', 'home']);
    case 'PROXIMITY_DENIED':
      return problem('too-far', t.tooFar, ['scan-again', 'home']);
    case 'STEP_UP_REQUIRED':
      return problem('step-up-required', t.stepUpRequired, ['scan-again', 'home']);
    case 'STEP_UP_FAILED':
      return problem('wrong-password', t.wrongPassword, ['retry']);
    case 'QR_WRONG_STATE':
      return stage === 'decide'
        ? problem('used-or-cancelled', t.closedWhileDeciding, ['scan-again', 'home'])
        : problem('used-or-cancelled', t.usedOrCancelled, ['scan-again', 'home']);
    case 'USER_CODE_NOT_FOUND':
      return problem('wrong-code', t.wrongCode, ['retry', 'home']);
    case 'USER_CODE_EXPIRED':
      return problem('code-expired', t.codeExpired, ['home']);
    case 'DEVICE_REQUEST_CLOSED':
      return problem('device-closed', t.deviceClosed, ['home']);
    case 'WEB_SESSION_NOT_FOUND':
      return problem('already-signed-out', t.alreadySignedOut, ['retry']);
    case 'LOGIN_REQUIRED':
    case 'INVALID_TOKEN':
      return problem('signed-out', t.signedOut, ['sign-in']);
    case 'USER_BLOCKED':
      return problem('blocked', t.blocked, ['sign-in']);
    case 'WRONG_CREDENTIALS':
      return problem('wrong-credentials', t.wrongCredentials, ['retry']);
    case 'TOO_MANY_LOGIN_ATTEMPTS':
      return problem(
        'too-many-attempts',
        {
          title: t.tooManyAttempts.title,
          detail: (stage === 'code' ? t.tooManyAttempts.codes : t.tooManyAttempts.detail)(
            waitText(err.retryAfterSeconds, lang),
          ),
        },
        ['retry'],
      );
    case 'RATE_LIMITED':
      return problem(
        'rate-limited',
        { title: t.rateLimited.title, detail: waitText(err.retryAfterSeconds, lang) },
        again,
      );
    case 'QR_SCANNER_UNAVAILABLE':
      return problem('login-stopped', t.scannerGone, ['home']);
    case 'APP_NOT_FOUND':
    case 'POOL_NOT_FOUND':
      // Acting on a code, these mean the website behind it was removed since: the service stopped it.
      if (stage === 'scan' || stage === 'decide') {
        return problem('login-stopped', t.websiteGone, ['home', 'scan-again']);
      }
      return problem('unavailable', t.notSetUp, again);
    case 'APP_ID_REQUIRED':
      return problem('unavailable', t.notSetUp, again);
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
      return problem(
        'unavailable',
        { title: t.serviceTrouble.title, detail: `${t.serviceTrouble.detail}${requestId}` },
        again,
      );
    default:
      return problem(
        'unexpected',
        { title: t.unexpected.title, detail: `${err.message}${requestId}` },
        again,
      );
  }
}

/** The label of a way on, for its button. */
export function actionLabel(step: NextStep, lang: Lang): string {
  const t = textsFor(lang).actions;
  switch (step) {
    case 'scan-again':
      return t.scanAgain;
    case 'retry':
      return t.retry;
    case 'sign-in':
      return t.signIn;
    case 'home':
      return t.home;
  }
}
