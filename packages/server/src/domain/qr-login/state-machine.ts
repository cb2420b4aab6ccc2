import { QrStatus } from '@scanlogin/protocol';

/**
 * The QR login state machine, as data. Every write goes through the storage
 * contract's compare-and-set `transition`, which applies one row of this
 * table atomically: the stored status must equal `from`, the code must not be
 * expired, and for `scanner` actions the acting user must be the one who
 * scanned. Expiry is not a stored state: it is derived from `expiresAt`
 * (see `effectiveStatus`), so no timer has to fire for a code to expire.
 *
 * A rule's `guard` is a condition of the same compare-and-set, never of an
 * earlier read (a scan can land between the two):
 * - `checkCode`: the number the scanner presented goes into the request, and
 *   the store applies the change only if the code has no check code or
 *   exactly that one.
 * - `password`: the change is only ever requested after the scanner's
 *   password was verified for it; the compare-and-set on (status 4, this
 *   scanner) then guarantees it is the state the password was checked for.
 *
 * `fail` is the service's own move, not a user's: something the login
 * depends on went away while the code was open (its application or pool was
 * deleted, the scanner was blocked or deleted). The code ends at status 5
 * with the reason, which the page reads in `scannedResult.errmsg`. For a
 * scanner that went away the compare-and-set also names that scanner, so it
 * stops only the codes that user holds. Like every rule it applies only to an
 * open code: a code already approved stays approved (the token check at
 * redemption refuses a blocked user), a cancelled one stays cancelled.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> Pending: generate
 *   Pending --> Scanned: scan (any user of the pool)
 *   Pending --> StepUp: scan from far away (policy step-up)
 *   Pending --> Cancelled: refuse (policy deny)
 *   StepUp --> Scanned: stepUp (the scanner proves more)
 *   Scanned --> Authorized: confirm (the scanner; right check code)
 *   Scanned --> Cancelled: cancel (the scanner; or a wrong check code)
 *   StepUp --> Cancelled: cancel (the scanner)
 *   Pending --> Error: fail (app or pool deleted)
 *   Scanned --> Error: fail (app or pool deleted; scanner blocked or deleted)
 *   StepUp --> Error: fail (app or pool deleted; scanner blocked or deleted)
 *   Pending --> Expired: time passes
 *   Scanned --> Expired: time passes
 *   StepUp --> Expired: time passes
 *   Authorized --> [*]: ticket redeemed once
 * ```
 */
export const Transitions = {
  scan: { from: [QrStatus.Pending], to: QrStatus.Scanned, actor: 'pool-user' },
  /** A scan from far away when the pool's policy is step-up: the phone must prove more. */
  scanNeedsStepUp: { from: [QrStatus.Pending], to: QrStatus.StepUp, actor: 'pool-user' },
  /** A scan refused by the pool's proximity policy: the page gets a fresh code. */
  refuse: { from: [QrStatus.Pending], to: QrStatus.Cancelled, actor: 'pool-user' },
  stepUp: { from: [QrStatus.StepUp], to: QrStatus.Scanned, actor: 'scanner', guard: 'password' },
  confirm: { from: [QrStatus.Scanned], to: QrStatus.Authorized, actor: 'scanner', guard: 'checkCode' },
  cancel: { from: [QrStatus.Scanned, QrStatus.StepUp], to: QrStatus.Cancelled, actor: 'scanner' },
  /** The login cannot go on (see above): status 5 with the reason, from any open status. */
  fail: {
    from: [QrStatus.Pending, QrStatus.Scanned, QrStatus.StepUp],
    to: QrStatus.Error,
    actor: 'service',
  },
} as const satisfies Record<
  string,
  {
    from: readonly StoredStatus[];
    to: StoredStatus;
    actor: 'pool-user' | 'scanner' | 'service';
    guard?: Guard;
  }
>;

/** A condition a transition carries into its compare-and-set (see above). */
export type Guard = 'checkCode' | 'password';

export type QrAction = keyof typeof Transitions;

/** Statuses that are written to storage; Expired is only ever computed. */
export type StoredStatus =
  | typeof QrStatus.Pending
  | typeof QrStatus.Scanned
  | typeof QrStatus.StepUp
  | typeof QrStatus.Authorized
  | typeof QrStatus.Cancelled
  | typeof QrStatus.Error;

/** Statuses that are still waiting for the user and therefore can expire. */
export function isOpen(status: StoredStatus): boolean {
  return status === QrStatus.Pending || status === QrStatus.Scanned || status === QrStatus.StepUp;
}

/** The status a reader sees at `now`. */
export function effectiveStatus(stored: StoredStatus, expiresAt: number, now: number): QrStatus {
  return isOpen(stored) && now >= expiresAt ? QrStatus.Expired : stored;
}
