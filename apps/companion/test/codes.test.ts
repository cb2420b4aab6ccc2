/**
 * "Enter a code": how typed letters are tidied, which links of a device's QR
 * code open its confirm screen, what the device confirm screen says, and what
 * the user is told when a typed code fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeviceRequestContext, ScanloginError } from '@scanlogin/app-sdk';
import { ErrorCodes, type ErrorName } from '@scanlogin/protocol';
import { deviceView } from '../src/format.js';
import { describeProblem } from '../src/messages.js';
import { tidyCode, userCodeFromLink } from '../src/screens/code.js';

const ORIGIN = 'https://login.example.com';

describe('typed codes', () => {
  it('keeps letters only, upper case, grouped 4-4, at most 8', () => {
    assert.equal(tidyCode('bcdf ghjk'), 'BCDF-GHJK');
    assert.equal(tidyCode('BCDF-GHJK'), 'BCDF-GHJK');
    assert.equal(tidyCode('bc'), 'BC');
    assert.equal(tidyCode('bcdf1ghjk9lmn'), 'BCDF-GHJK');
  });

  it("reads the user code from this service's device link only", () => {
    assert.equal(userCodeFromLink(`${ORIGIN}/oidc/device?user_code=BCDF-GHJK`, ORIGIN), 'BCDF-GHJK');
    assert.equal(userCodeFromLink(`https://evil.example/oidc/device?user_code=BCDF-GHJK`, ORIGIN), null);
    assert.equal(userCodeFromLink(`${ORIGIN}/elsewhere?user_code=BCDF-GHJK`, ORIGIN), null);
    assert.equal(userCodeFromLink(`${ORIGIN}/oidc/device`, ORIGIN), null);
    assert.equal(userCodeFromLink('{"random":"x"}', ORIGIN), null);
  });

  it('describes a device request: reported device, place, scopes, and a warning when far away', () => {
    const d: DeviceRequestContext = {
      userCode: 'BCDF-GHJK',
      app: { id: 'a', name: 'Living room TV app', logo: null },
      ip: '81.2.69.160',
      place: 'United Kingdom',
      browser: null,
      os: 'Linux',
      reportedByDevice: true,
      scopes: ['openid', 'profile'],
      createdAt: new Date(1_000_000).toISOString(),
      expiresAt: new Date(1_600_000).toISOString(),
      proximity: { verdict: 'mismatch', phonePlace: 'United States', mismatch: true, policy: 'warn' },
      stepUpRequired: false,
    };
    const v = deviceView(d, 1_010_000, ORIGIN, 'en-US');
    assert.equal(v.appName, 'Living room TV app');
    assert.equal(v.device, 'A browser on Linux');
    assert.equal(v.where, 'United Kingdom (81.2.69.160)');
    assert.equal(v.scopes, 'your account id, your name and picture');
    assert.match(v.proximityWarning ?? '', /far from your phone.*United Kingdom.*United States/);
    assert.equal(
      deviceView({ ...d, proximity: { ...d.proximity, mismatch: false } }, 0, ORIGIN, 'en-US')
        .proximityWarning,
      null,
    );
  });

  it('tells what went wrong with a typed code, and what to do', () => {
    const err = (name: ErrorName) =>
      new ScanloginError({
        kind: 'server',
        code: ErrorCodes[name].code,
        message: ErrorCodes[name].message,
        status: ErrorCodes[name].status,
      });
    assert.equal(describeProblem(err('USER_CODE_NOT_FOUND'), 'code', 'en-US').id, 'wrong-code');
    assert.equal(describeProblem(err('USER_CODE_EXPIRED'), 'code', 'en-US').id, 'code-expired');
    assert.equal(describeProblem(err('DEVICE_REQUEST_CLOSED'), 'device', 'en-US').id, 'device-closed');
    assert.match(describeProblem(err('TOO_MANY_LOGIN_ATTEMPTS'), 'code', 'en-US').detail, /wrong/);
  });
});
