/**
 * The companion's words: every failure it can meet gets its own message and a
 * way on; the confirm and history lines read well with and without a place.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseQrPayload,
  QrPayloadError,
  type QrPayloadErrorReason,
  type RequestContext,
  ScanloginError,
} from '@scanlogin/app-sdk';
import { ErrorCodes, type ErrorName } from '@scanlogin/protocol';
import {
  ago,
  checkChoicesOf,
  confirmView,
  deviceLine,
  expiryLine,
  historyView,
  pageContextLines,
  placeLine,
  proximityWarning,
  safeLogo,
  signedOutLine,
  signOutEverywhereQuestion,
  webSessionView,
} from '../src/format.js';
import { textsFor } from '../src/i18n.js';
import {
  actionLabel,
  describeProblem,
  insecurePage,
  type NextStep,
  type ProblemId,
  type Stage,
} from '../src/messages.js';
import { clearSession, loadSession, SESSION_KEY, saveSession } from '../src/session.js';

const UNKNOWN_ORIGIN = textsFor('en-US').lines.unknownOrigin;

const server = (name: ErrorName, extra: { retryAfterSeconds?: number; requestId?: string } = {}) =>
  new ScanloginError({
    kind: 'server',
    code: ErrorCodes[name].code,
    message: ErrorCodes[name].message,
    status: ErrorCodes[name].status,
    ...extra,
  });

describe('describeProblem', () => {
  const cases: [string, unknown, Stage, ProblemId, NextStep][] = [
    ['server says expired', server('QR_EXPIRED'), 'decide', 'expired', 'scan-again'],
    ['parser says expired', new QrPayloadError('expired', 'x'), 'scan', 'expired', 'scan-again'],
    ['unknown code', server('QR_NOT_FOUND'), 'scan', 'unknown-code', 'scan-again'],
    ['another pool', server('QR_OTHER_POOL'), 'scan', 'other-pool', 'scan-again'],
    ['scanned by someone else', server('QR_SCANNED_BY_OTHER'), 'scan', 'scanned-by-other', 'scan-again'],
    ['already used or cancelled', server('QR_WRONG_STATE'), 'scan', 'used-or-cancelled', 'scan-again'],
    ['cancelled while deciding', server('QR_WRONG_STATE'), 'decide', 'used-or-cancelled', 'scan-again'],
    ['network lost', ScanloginError.client('network', 'x'), 'decide', 'network', 'retry'],
    ['timeout', ScanloginError.client('timeout', 'x'), 'scan', 'timeout', 'retry'],
    ['token expired', server('INVALID_TOKEN'), 'scan', 'signed-out', 'sign-in'],
    ['not signed in', server('LOGIN_REQUIRED'), 'history', 'signed-out', 'sign-in'],
    ['wrong password', server('WRONG_CREDENTIALS'), 'sign-in', 'wrong-credentials', 'retry'],
    ['blocked', server('USER_BLOCKED'), 'scan', 'blocked', 'sign-in'],
    ['a proxy answered', ScanloginError.client('bad-response', 'x'), 'scan', 'bad-response', 'retry'],
    ['service down', server('STORAGE_UNAVAILABLE'), 'decide', 'unavailable', 'retry'],
    ['wrong check code', server('CHECK_CODE_WRONG'), 'decide', 'wrong-check-code', 'scan-again'],
    ['check code missing', server('CHECK_CODE_REQUIRED'), 'decide', 'check-code-required', 'scan-again'],
    ['too far for the pool', server('PROXIMITY_DENIED'), 'scan', 'too-far', 'scan-again'],
    ['step-up needed', server('STEP_UP_REQUIRED'), 'decide', 'step-up-required', 'scan-again'],
    ['step-up password wrong', server('STEP_UP_FAILED'), 'decide', 'wrong-password', 'retry'],
    ['not even an error', 'boom', 'scan', 'unexpected', 'scan-again'],
    ["the code's website was deleted", server('APP_NOT_FOUND'), 'decide', 'login-stopped', 'home'],
    ['the scanner can no longer sign in', server('QR_SCANNER_UNAVAILABLE'), 'scan', 'login-stopped', 'home'],
    ['this app is not set up', server('APP_NOT_FOUND'), 'sign-in', 'unavailable', 'retry'],
    ['website signed out already', server('WEB_SESSION_NOT_FOUND'), 'sites', 'already-signed-out', 'retry'],
    ['websites list offline', ScanloginError.client('network', 'x'), 'sites', 'network', 'retry'],
    ['websites list, token revoked', server('INVALID_TOKEN'), 'sites', 'signed-out', 'sign-in'],
  ];
  for (const [what, err, stage, id, first] of cases) {
    it(`${what} → ${id}`, () => {
      const p = describeProblem(err, stage, 'en-US');
      assert.equal(p.id, id);
      assert.equal(p.actions[0], first);
      assert.ok(p.title.length > 5 && p.detail.length > 10, `${p.title} / ${p.detail}`);
    });
  }

  it('gives each failure its own message', () => {
    const titles = new Map<string, string>();
    for (const [, err, stage, id] of cases) {
      const { title } = describeProblem(err, stage, 'en-US');
      const seen = titles.get(title);
      assert.ok(seen === undefined || seen === id, `"${title}" used for ${seen} and ${id}`);
      titles.set(title, id);
    }
  });

  it('tells expired, not-a-login-code and damaged codes apart for every parser reason', () => {
    const expected: Record<QrPayloadErrorReason, ProblemId> = {
      expired: 'expired',
      'not-json': 'not-login-code',
      'not-login-code': 'not-login-code',
      'too-long': 'not-login-code',
      'missing-field': 'damaged-code',
      'bad-field': 'damaged-code',
      'bad-date': 'damaged-code',
      'bad-signature': 'bad-signature',
      unsigned: 'unsigned-code',
    };
    for (const [reason, id] of Object.entries(expected)) {
      assert.equal(
        describeProblem(new QrPayloadError(reason as QrPayloadErrorReason, 'x'), 'scan', 'en-US').id,
        id,
      );
    }
    // What the parser really throws for everyday non-login codes.
    for (const text of ['https://example.com', 'WIFI:S:home;T:WPA;P:secret;;', '{"scene":"PAY"}']) {
      let err: unknown;
      try {
        parseQrPayload(text);
      } catch (e) {
        err = e;
      }
      assert.equal(describeProblem(err, 'scan', 'en-US').id, 'not-login-code', text);
    }
  });

  it('says how long to wait when the service says so', () => {
    assert.match(
      describeProblem(server('TOO_MANY_LOGIN_ATTEMPTS', { retryAfterSeconds: 30 }), 'sign-in', 'en-US')
        .detail,
      /30 seconds/,
    );
    assert.match(
      describeProblem(server('RATE_LIMITED', { retryAfterSeconds: 600 }), 'scan', 'en-US').detail,
      /10 minutes/,
    );
  });

  it('only offers ways on the history screen can take', () => {
    assert.deepEqual(describeProblem(ScanloginError.client('network', 'x'), 'history', 'en-US').actions, [
      'retry',
    ]);
    assert.deepEqual(describeProblem(ScanloginError.client('network', 'x'), 'sign-in', 'en-US').actions, [
      'retry',
    ]);
    assert.deepEqual(describeProblem(server('STORAGE_UNAVAILABLE'), 'sites', 'en-US').actions, ['retry']);
  });

  it('says why a page that is not secure cannot check codes, and how to fix it', () => {
    const p = insecurePage('en-US');
    assert.equal(p.id, 'insecure-page');
    assert.match(p.detail, /https:\/\//);
    assert.deepEqual(p.actions, ['home']);
  });

  it('names every way on', () => {
    for (const step of ['scan-again', 'retry', 'sign-in', 'home'] as const)
      assert.ok(actionLabel(step, 'en-US'));
  });
});

describe('confirm screen lines', () => {
  const now = Date.parse('2026-03-01T12:00:30Z');
  const ctx: RequestContext = {
    random: 'r',
    app: { id: 'a', name: 'Demo website', logo: null },
    origin: 'http://127.0.0.1:3001',
    ip: '203.0.113.9',
    place: 'Berlin, Germany',
    browser: 'Chrome 131',
    os: 'Linux',
    reportedByBrowser: true,
    createdAt: '2026-03-01T12:00:00Z',
    expiresAt: '2026-03-01T12:02:00Z',
    proximity: { verdict: 'same-network', phonePlace: 'Berlin, Germany', mismatch: false, policy: 'warn' },
    checkCodeChoices: null,
    pageContext: null,
  };
  /** An answer the types forbid, from an older or broken service: the screen must not trust it. */
  const malformed = (extra: object) => ({ ...ctx, ...extra }) as unknown as RequestContext;

  it('shows the place when known and says so when not', () => {
    assert.equal(placeLine('203.0.113.9', 'Berlin, Germany', 'en-US'), 'Berlin, Germany (203.0.113.9)');
    assert.equal(placeLine('203.0.113.9', null, 'en-US'), '203.0.113.9 (location unknown)');
    assert.equal(placeLine('', null, 'en-US'), 'an unknown address (location unknown)');
  });

  it('reads browser and OS', () => {
    assert.equal(deviceLine('Chrome 131', 'Linux', 'en-US'), 'Chrome 131 on Linux');
    assert.equal(deviceLine(null, 'iOS', 'en-US'), 'A browser on iOS');
    assert.equal(deviceLine(null, null, 'en-US'), 'Unknown browser');
  });

  it('builds the whole view', () => {
    const v = confirmView(ctx, now, 'https://login.example', 'en-US');
    assert.equal(v.appName, 'Demo website');
    assert.equal(v.origin, 'http://127.0.0.1:3001');
    assert.equal(v.originKnown, true);
    assert.equal(v.where, 'Berlin, Germany (203.0.113.9)');
    assert.equal(v.device, 'Chrome 131 on Linux');
    assert.match(v.time, /30 seconds ago/);
    assert.equal(v.initial, 'D');
    assert.equal(v.logo, null);
    assert.equal(expiryLine(v.expiresAt, now, 'en-US'), 'This request expires in 90 seconds.');
    assert.equal(expiryLine(v.expiresAt, now + 200_000, 'en-US'), 'This request has expired.');

    const bare = confirmView({ ...ctx, origin: null, place: null }, now, 'https://login.example', 'en-US');
    assert.equal(bare.origin, UNKNOWN_ORIGIN);
    assert.equal(bare.originKnown, false);
    assert.equal(bare.where, '203.0.113.9 (location unknown)');

    const none = confirmView(null, now, 'https://login.example', 'en-US');
    assert.equal(none.originKnown, false);
    assert.match(none.where, /not reported/i);
  });

  it('reads check-code choices and the distance warning', () => {
    assert.deepEqual(checkChoicesOf({ ...ctx, checkCodeChoices: [12, 47, 80] }), [12, 47, 80]);
    assert.equal(checkChoicesOf({ ...ctx, checkCodeChoices: null }), null);
    assert.equal(checkChoicesOf(malformed({ checkCodeChoices: ['12'] })), null);
    assert.equal(checkChoicesOf(ctx), null);
    assert.equal(
      confirmView({ ...ctx, checkCodeChoices: [1, 2, 3] }, now, 'https://x', 'en-US').checkChoices?.length,
      3,
    );

    const far: RequestContext = {
      ...ctx,
      place: 'United Kingdom',
      proximity: { verdict: 'mismatch', phonePlace: 'United States', mismatch: true, policy: 'warn' },
    };
    assert.match(proximityWarning(far, 'en-US') ?? '', /United Kingdom.*United States/);
    assert.equal(
      proximityWarning({ ...far, proximity: { ...far.proximity, mismatch: false } }, 'en-US'),
      null,
    );
    assert.equal(proximityWarning(ctx, 'en-US'), null);
    assert.equal(proximityWarning(null, 'en-US'), null);
  });

  it("keeps the page's own words apart from the facts, bounded and visible (issue 17: context)", () => {
    // A page claims to be someone else: its words never reach the facts' places.
    const claims: RequestContext = {
      ...ctx,
      pageContext: {
        entries: [
          { key: 'origin', value: 'https://bank.example' },
          { key: 'app', value: 'Your Bank' },
        ],
        omitted: 0,
      },
    };
    const v = confirmView(claims, now, 'https://login.example', 'en-US');
    assert.equal(v.appName, 'Demo website');
    assert.equal(v.origin, 'http://127.0.0.1:3001');
    assert.deepEqual(v.pageContext, {
      lines: [
        { key: 'origin', value: 'https://bank.example' },
        { key: 'app', value: 'Your Bank' },
      ],
      more: null,
    });
    assert.equal(confirmView(ctx, now, 'https://x', 'en-US').pageContext, null);
    assert.equal(pageContextLines(null, 'en-US'), null);

    // Whatever a service sends, the screen shows at most the bounds, as visible text.
    const flood = malformed({
      pageContext: {
        entries: [
          ...Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(5000) })),
          { key: 7, value: 'not a line' },
        ],
        omitted: 3,
      },
    });
    const lines = pageContextLines(flood, 'en-US')!;
    assert.equal(lines.lines.length, 16);
    assert.ok(lines.lines.every((l) => l.value.length <= 200 && l.value.endsWith('…')));
    assert.equal(lines.more, 'and 27 more not shown');
    assert.equal(pageContextLines(flood, 'zh-CN')?.more, '另有 27 项未显示');
    const hidden = pageContextLines(
      malformed({ pageContext: { entries: [{ key: 'a\u202eb', value: 'x\u0000y\u2066z' }], omitted: 0 } }),
      'en-US',
    )!;
    assert.deepEqual(hidden.lines, [{ key: 'a\\u{202E}b', value: 'x\\u{0000}y\\u{2066}z' }]);
    assert.equal(pageContextLines(malformed({ pageContext: { entries: 'nope' } }), 'en-US'), null);
    assert.equal(pageContextLines(malformed({ pageContext: { entries: [] } }), 'en-US'), null);
  });

  it('never shows a logo from another host', () => {
    const page = 'https://login.example';
    assert.equal(safeLogo('https://cdn.elsewhere.example/logo.png', page), null);
    assert.equal(safeLogo('//cdn.elsewhere.example/logo.png', page), null);
    assert.equal(safeLogo('javascript:alert(1)', page), null);
    assert.equal(safeLogo('data:text/html,<script>', page), null);
    assert.equal(safeLogo('/logos/a.png', page), 'https://login.example/logos/a.png');
    assert.equal(safeLogo('data:image/png;base64,AAAA', page), 'data:image/png;base64,AAAA');
  });

  it('words relative times', () => {
    assert.equal(ago(now, now, 'en-US'), 'just now');
    assert.equal(ago(now - 12_000, now, 'en-US'), '12 seconds ago');
    assert.equal(ago(now - 5 * 60_000, now, 'en-US'), '5 minutes ago');
    assert.equal(ago(now - 3 * 3600_000, now, 'en-US'), '3 hours ago');
  });

  it('reads history entries', () => {
    const v = historyView(
      {
        id: '1',
        at: '2026-03-01T11:59:00Z',
        outcome: 'denied',
        random: 'r',
        userId: 'u',
        app: { id: 'a', name: 'Demo website' },
        origin: 'http://127.0.0.1:3001',
        ip: '127.0.0.1',
        place: null,
        browser: null,
        os: null,
        deviceIp: '127.0.0.1',
      },
      now,
      'en-US',
    );
    assert.equal(v.site, 'Demo website');
    assert.equal(v.outcome, 'Denied');
    assert.equal(v.where, 'From 127.0.0.1 (location unknown)');
    assert.match(v.time, /2 minutes ago/);
  });
});

describe('signed-in websites', () => {
  const now = Date.parse('2026-03-01T12:03:00Z');
  const session = {
    id: 'ws_1',
    app: { id: 'a', name: 'Demo website' },
    origin: 'https://shop.example',
    ip: '81.2.69.160',
    place: 'United Kingdom',
    browser: 'Chrome 131',
    os: 'Windows',
    createdAt: '2026-03-01T12:00:00Z',
    expiresAt: '2026-03-15T12:00:00Z',
  };

  it('reads a session: site, address, place, device, since when', () => {
    const v = webSessionView(session, now, 'en-US');
    assert.equal(v.id, 'ws_1');
    assert.equal(v.site, 'Demo website');
    assert.equal(v.origin, 'https://shop.example');
    assert.equal(v.originKnown, true);
    assert.equal(v.where, 'From United Kingdom (81.2.69.160)');
    assert.equal(v.device, 'Chrome 131 on Windows');
    assert.match(v.since, /^Signed in .*\(3 minutes ago\)$/);
    assert.equal(v.signOutLabel, 'Sign out of Demo website (https://shop.example)');
  });

  it('says so when the browser or the service did not tell', () => {
    const v = webSessionView(
      {
        ...session,
        app: { id: 'a', name: ' ' },
        origin: null,
        ip: null,
        place: null,
        browser: null,
        os: null,
      },
      now,
      'en-US',
    );
    assert.equal(v.site, 'Unknown application');
    assert.equal(v.origin, UNKNOWN_ORIGIN);
    assert.equal(v.originKnown, false);
    assert.equal(v.where, 'From an unknown address (location unknown)');
    assert.equal(v.device, 'Unknown browser');
    assert.equal(v.signOutLabel, 'Sign out of Unknown application (unknown website)');
  });

  it('asks before signing out everywhere, naming how many', () => {
    assert.equal(signOutEverywhereQuestion(0, 'en-US'), null, 'nothing to ask about');
    assert.match(signOutEverywhereQuestion(1, 'en-US') ?? '', /^Sign out of the 1 website listed here\?/);
    assert.match(
      signOutEverywhereQuestion(3, 'en-US') ?? '',
      /^Sign out of all 3 websites listed here\?.*this phone stays signed in/,
    );
  });

  it('words what was signed out', () => {
    assert.equal(signedOutLine(1, 'en-US', 'Demo website'), 'Signed out of Demo website.');
    assert.equal(signedOutLine(0, 'en-US'), 'No website was signed in.');
    assert.equal(signedOutLine(1, 'en-US'), 'Signed out of 1 website.');
    assert.equal(signedOutLine(4, 'en-US'), 'Signed out of 4 websites.');
  });
});

describe('saved session', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      m,
    };
  };

  it('round-trips and clears', () => {
    const store = memory();
    assert.equal(loadSession(store), null);
    saveSession(store, { token: 't', poolId: 'p', name: 'Alice', username: 'alice' });
    assert.deepEqual(loadSession(store), { token: 't', poolId: 'p', name: 'Alice', username: 'alice' });
    clearSession(store);
    assert.equal(loadSession(store), null);
  });

  it('ignores damaged or foreign data', () => {
    const store = memory();
    for (const raw of ['{', '[]', '{"token":""}', '{"token":"t"}', 'null']) {
      store.m.set(SESSION_KEY, raw);
      assert.equal(loadSession(store), null, raw);
    }
  });
});
