/**
 * QR login statuses as they travel on the wire. The numbers are fixed by
 * authing-js-sdk, which acts on them; never renumber.
 */
export const QrStatus = {
  /** Shown, nobody has scanned it yet. */
  Pending: 0,
  /** A signed-in app marked it scanned; waiting for the user's decision. */
  Scanned: 1,
  /** The user approved; a ticket is available to the page that asked. */
  Authorized: 2,
  /** The user cancelled on the phone. */
  Cancelled: 3,
  /** More authentication is needed on the phone (step-up). */
  StepUp: 4,
  /**
   * The login was stopped by an error it cannot get past (the application
   * behind the code was deleted, the scanner was blocked...): the reason is
   * in `scannedResult.errmsg`, where authing-js-sdk reads it.
   */
  Error: 5,
  /** Expired before a decision. Derived from `expiresAt`, never stored. */
  Expired: -1,
} as const;

export type QrStatus = (typeof QrStatus)[keyof typeof QrStatus];

/** Statuses after which nothing about the code changes any more. */
export function isTerminalStatus(status: QrStatus): boolean {
  return (
    status === QrStatus.Authorized ||
    status === QrStatus.Cancelled ||
    status === QrStatus.Expired ||
    status === QrStatus.Error
  );
}

/**
 * Query parameter (`stepUp=1`) of `check`, its long-poll and the event stream
 * by which a page says it keeps waiting through status 4 (step-up). Ours.
 * Pages that do not say so (the stock SDK stops at 4 and calls `onMfa`) see a
 * code in step-up as status 1 until the phone has proved more, so they are
 * never stranded. (Here, not beside the schemas: the browser SDK imports it,
 * and this module costs it nothing.)
 */
export const STEP_UP_AWARE_PARAM = 'stepUp';
