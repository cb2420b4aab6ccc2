/**
 * What the companion tells the user when something goes wrong, and what it
 * offers next. Pure: no DOM, so it is unit-tested on its own. Every failure
 * the app can meet maps to one `Problem` with a stable `id`.
 */
import { isScanloginError, QrPayloadError, type QrPayloadErrorReason } from '@scanlogin/app-sdk';

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

const problem = (id: ProblemId, title: string, detail: string, actions: NextStep[]): Problem => ({
  id,
  title,
  detail,
  actions,
});

function isPayloadError(err: unknown): err is QrPayloadError {
  if (err instanceof QrPayloadError) return true;
  const e = err as { name?: unknown; reason?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'QrPayloadError' && typeof e.reason === 'string';
}

const EXPIRED = problem(
  'expired',
  'This code has expired',
  'Login codes last only a short time. Refresh the login page on the website to get a new code, then scan again.',
  ['scan-again', 'home'],
);

function payloadProblem(reason: QrPayloadErrorReason): Problem {
  switch (reason) {
    case 'expired':
      return EXPIRED;
    case 'not-json':
    case 'not-login-code':
    case 'too-long':
      return problem(
        'not-login-code',
        'This is not a login code',
        'The QR code you scanned is something else (a link, a Wi-Fi code, plain text...). Scan the code shown on the login page of the website.',
        ['scan-again', 'home'],
      );
    case 'bad-signature':
      return problem(
        'bad-signature',
        'This code could not be verified',
        'The code does not carry a valid signature of this login service. Do not use it: refresh the login page on the website and scan the new code.',
        ['scan-again', 'home'],
      );
    case 'unsigned':
      return problem(
        'unsigned-code',
        'This code is not signed',
        'Login codes of this service carry its signature; this one does not, so it may not come from the real website. Do not use it: open the login page yourself and scan its code.',
        ['scan-again', 'home'],
      );
    default:
      return problem(
        'damaged-code',
        'This login code is damaged',
        'It looks like a login code, but parts of it are missing or wrong. Refresh the login page on the website and scan the new code.',
        ['scan-again', 'home'],
      );
  }
}

/**
 * The page cannot check signatures: WebCrypto exists only in a secure context
 * (https://, or localhost), and the app SDK refuses codes it cannot verify.
 */
export const INSECURE_PAGE = problem(
  'insecure-page',
  'Codes cannot be checked on this page',
  'Login codes are verified before you approve them, which browsers only allow on a secure page. Open the companion through its https:// address, then scan again.',
  ['home'],
);

function waitText(seconds: number | null): string {
  if (!seconds || seconds <= 0) return 'Wait a little, then try again.';
  if (seconds < 90) return `Wait ${seconds} seconds, then try again.`;
  return `Wait about ${Math.ceil(seconds / 60)} minutes, then try again.`;
}

/**
 * The message and the ways on for a failure at `stage`. Unknown failures get
 * a generic message that still names the service's request id, if any.
 */
export function describeProblem(err: unknown, stage: Stage): Problem {
  if (isPayloadError(err)) return payloadProblem(err.reason);
  if (!isScanloginError(err)) {
    return problem('unexpected', 'Something went wrong', 'The app ran into an unexpected problem.', [
      stage === 'sign-in' ? 'retry' : 'scan-again',
      'home',
    ]);
  }

  // The sign-in, history and websites screens have no code to scan again.
  const again: NextStep[] =
    stage === 'scan' || stage === 'decide'
      ? ['retry', 'scan-again']
      : stage === 'code' || stage === 'device'
        ? ['retry', 'home']
        : ['retry'];
  switch (err.kind) {
    case 'network':
      return problem(
        'network',
        'No connection to the login service',
        'Your phone could not reach the service. Check that you are online (Wi-Fi or mobile data), then try again.',
        again,
      );
    case 'timeout':
      return problem(
        'timeout',
        'The login service did not answer',
        'The service took too long to answer. Check your connection, then try again.',
        again,
      );
    case 'bad-response':
      return problem(
        'bad-response',
        'Unexpected answer',
        'Something between your phone and the login service answered instead of the service (a captive portal or a proxy?). Try again in a moment.',
        again,
      );
    case 'aborted':
      return problem('unexpected', 'Cancelled', 'The request was cancelled.', again);
    default:
      break;
  }

  switch (err.errorName) {
    case 'QR_EXPIRED':
    case 'QR_CODE_REPLACED':
      return EXPIRED;
    case 'QR_NOT_FOUND':
      return problem(
        'unknown-code',
        'Unknown login code',
        'This login service does not know this code. A newer code may have replaced it on the page (codes change while the page waits), it may come from another service, or it was removed. Scan the code the website shows now.',
        ['scan-again', 'home'],
      );
    case 'QR_OTHER_POOL':
      return problem(
        'other-pool',
        'This code is for other accounts',
        'The website that shows this code signs in users of another directory than the account you are signed in with. Sign in with an account of that website, or scan another code.',
        ['scan-again', 'sign-in'],
      );
    case 'QR_SCANNED_BY_OTHER':
      return problem(
        'scanned-by-other',
        'Someone else scanned this code first',
        'Only the person who scanned it first can approve it. If you did not expect this, someone may be trying to use this login: refresh the page on the website and scan its new code.',
        ['scan-again', 'home'],
      );
    case 'CHECK_CODE_WRONG':
      return problem(
        'wrong-check-code',
        'Wrong number: the login was refused',
        'The number you picked is not the one on the website, so nobody was logged in. If you did not open that page yourself, someone may be trying to get into your account. Otherwise refresh the page and scan again.',
        ['scan-again', 'home'],
      );
    case 'CHECK_CODE_REQUIRED':
      return problem(
        'check-code-required',
        'Pick the number first',
        'This website shows a number next to its code. Scan again and pick that number before approving.',
        ['scan-again', 'home'],
      );
    case 'PROXIMITY_DENIED':
      return problem(
        'too-far',
        'Refused: the request comes from far away',
        'The browser that showed this code seems far from your phone, and your account does not allow logins like that. If it was you, connect your phone to the same network as the computer and scan a new code.',
        ['scan-again', 'home'],
      );
    case 'STEP_UP_REQUIRED':
      return problem(
        'step-up-required',
        'Confirm it is you first',
        'This request comes from far away, so your password is needed before it can be approved. Scan the code again.',
        ['scan-again', 'home'],
      );
    case 'STEP_UP_FAILED':
      return problem(
        'wrong-password',
        'Wrong password',
        'The password is wrong; the login was not continued. Try again.',
        ['retry'],
      );
    case 'QR_WRONG_STATE':
      return stage === 'decide'
        ? problem(
            'used-or-cancelled',
            'This login request is closed',
            'It was answered or cancelled in the meantime, so nothing was changed. Scan the code the website shows now.',
            ['scan-again', 'home'],
          )
        : problem(
            'used-or-cancelled',
            'This code was already used or cancelled',
            'A code works only once. Refresh the login page on the website and scan its new code.',
            ['scan-again', 'home'],
          );
    case 'USER_CODE_NOT_FOUND':
      return problem(
        'wrong-code',
        'No request has this code',
        'Check the code on the device or the sign-in page (8 letters, like BCDF-GHJK) and type it again. Codes last only a few minutes.',
        ['retry', 'home'],
      );
    case 'USER_CODE_EXPIRED':
      return problem(
        'code-expired',
        'This code has expired',
        'Start the sign-in again on the device: it will show a new code.',
        ['home'],
      );
    case 'DEVICE_REQUEST_CLOSED':
      return problem(
        'device-closed',
        'This request was already answered',
        'It was approved or denied before, so nothing was changed. If that was not you, sign out of the device from Signed-in websites.',
        ['home'],
      );
    case 'WEB_SESSION_NOT_FOUND':
      return problem(
        'already-signed-out',
        'Already signed out',
        'This website was signed out already (from another device, or its sign-in expired).',
        ['retry'],
      );
    case 'LOGIN_REQUIRED':
    case 'INVALID_TOKEN':
      return problem(
        'signed-out',
        'Please sign in again',
        'Your sign-in on this phone has expired or was revoked.',
        ['sign-in'],
      );
    case 'USER_BLOCKED':
      return problem(
        'blocked',
        'This account is blocked',
        'Contact the administrator of the login service.',
        ['sign-in'],
      );
    case 'WRONG_CREDENTIALS':
      return problem('wrong-credentials', 'Wrong account or password', 'Check both and try again.', [
        'retry',
      ]);
    case 'TOO_MANY_LOGIN_ATTEMPTS':
      return problem(
        'too-many-attempts',
        'Too many attempts',
        stage === 'code'
          ? `Typing codes is paused after several wrong ones. ${waitText(err.retryAfterSeconds)}`
          : `Signing in is paused for this account after several failures. ${waitText(err.retryAfterSeconds)}`,
        ['retry'],
      );
    case 'RATE_LIMITED':
      return problem('rate-limited', 'Too many requests', waitText(err.retryAfterSeconds), again);
    case 'APP_NOT_FOUND':
    case 'POOL_NOT_FOUND':
    case 'APP_ID_REQUIRED':
      return problem(
        'unavailable',
        'The login service is not set up for this app',
        'The service does not know the account directory this app signs in to. Ask its administrator.',
        again,
      );
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
      return problem(
        'unavailable',
        'The login service has a problem',
        `It could not answer just now; try again shortly.${err.requestId ? ` (Request ${err.requestId})` : ''}`,
        again,
      );
    default:
      return problem(
        'unexpected',
        'Something went wrong',
        `${err.message}${err.requestId ? ` (Request ${err.requestId})` : ''}`,
        again,
      );
  }
}

/** The label of a way on, for its button. */
export function actionLabel(step: NextStep): string {
  switch (step) {
    case 'scan-again':
      return 'Scan a code';
    case 'retry':
      return 'Try again';
    case 'sign-in':
      return 'Sign in again';
    case 'home':
      return 'Back to start';
  }
}
