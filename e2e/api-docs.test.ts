/**
 * The API document rendered for people at /docs (issue 14), in Chromium: the
 * page loads with its own assets (no outside host), shows the service's
 * title and its operations, and expands one to show its parameters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers.js';
import { CHROMIUM, launchChromium, newContext } from './support.js';

describe('/docs in Chromium', { skip: !CHROMIUM && 'no Chromium' }, () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    s = await startTestServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('renders the document: title, operations by tag, and an operation’s parameters', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(s.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${s.url}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    assert.match((await page.locator('.swagger-ui .info .title').textContent()) ?? '', /Scanlogin/);
    // Every operation of the table is listed (by its summary), grouped under its tag.
    const poll = page.locator('.opblock-summary-description', { hasText: 'Poll a code' });
    await poll.waitFor();
    assert.equal(await page.locator('.opblock-tag', { hasText: 'qr-page' }).count(), 1);
    await poll.click();
    const parameters = page.locator('.opblock.is-open .parameters');
    await parameters.waitFor();
    const text = (await parameters.textContent()) ?? '';
    for (const name of ['random', 'wait', 'seq', 'stepUp']) assert.match(text, new RegExp(name));
    assert.deepEqual(outside, [], 'everything comes from the service itself');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
