import { randomBytes } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { contactCentrePushes } from '../support/contact-centre';
import { dataDir, eventually, type LocalReceiver, startLocalReceiver } from '../support/local-receiver';

/**
 * The reports page of `TCCC_AUTH=basic TCCC_BASIC_USERNAME=tccc TCCC_BASIC_PASSWORD='…' npm start`,
 * in Debian's chromium (driven by playwright-core): it asks for the push credentials, refuses a
 * wrong password with a message saying so, shows the figures for the right one, and keeps the
 * password in the page's memory only: never in the URL, a request's URL, storage or a cookie.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];
// Characters that URL and form encodings change: a leak in any of them is still found.
const PASSWORD = `pw+/=${randomBytes(9).toString('base64url')}`;
const AUTHORIZATION = `Basic ${Buffer.from(`tccc:${PASSWORD}`).toString('base64')}`;
/** Every form the password could take on its way somewhere. */
const PASSWORD_FORMS = [
  PASSWORD,
  encodeURIComponent(PASSWORD),
  new URLSearchParams({ p: PASSWORD }).toString().slice(2),
  AUTHORIZATION.slice('Basic '.length),
];
const SESSIONS = 30;

const data = dataDir();
let receiver: LocalReceiver;
let browser: Browser;
afterAll(async () => {
  await browser?.close();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

type Summary = { totals: { sessions: number; answered: number } };
type Dom = { document: { body: { dataset: { ready?: string } } } };

/** Resolves once the page has drawn a refresh after `before` (body[data-ready] changed). */
async function drawnAfter(page: Page, before: string): Promise<void> {
  // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
  await page.waitForFunction(
    (previous: string) => ((globalThis as unknown as Dom).document.body.dataset.ready ?? '') !== previous,
    before,
    { timeout: 30_000 },
  );
}

const statusText = async (page: Page) => ((await page.locator('#status').textContent()) ?? '').trim();

describe('GET /reports in a browser, on npm start with TCCC_AUTH=basic', () => {
  it('asks for the credentials, refuses a wrong password clearly, shows the figures for the right one, keeps the password nowhere', async () => {
    receiver = await startLocalReceiver(data.dir, {
      TCCC_AUTH: 'basic',
      TCCC_BASIC_USERNAME: 'tccc',
      TCCC_BASIC_PASSWORD: PASSWORD,
      STREAM_POLL_MS: '200',
    });
    const today = Math.floor(Date.now() / 86_400_000) * 86_400;
    for (const { query, body } of contactCentrePushes({
      seed: 33,
      firstDay: today - 3 * 86_400,
      days: 3,
      sessions: SESSIONS,
    })) {
      const reply = await fetch(`${receiver.base}/?${new URLSearchParams(query)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf8', authorization: AUTHORIZATION },
        body: JSON.stringify(body),
      });
      expect(((await reply.json()) as { ErrCode: number }).ErrCode).toBe(0);
    }
    const getSummary = async (url: string) =>
      (await (await fetch(url, { headers: { authorization: AUTHORIZATION } })).json()) as Summary;
    // Every session counted once: the page must see the settled figures, not a recount in progress.
    const wide = `${receiver.base}/reports/summary?from=${today - 40 * 86_400}&to=${today + 3 * 86_400}&groupBy=status`;
    const counted = await eventually(
      async () => (await getSummary(wide)).totals.sessions,
      (sessions) => sessions === SESSIONS,
      60_000,
    );
    expect(counted).toBe(SESSIONS);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const requests: Array<{ url: string; authorization?: string }> = [];
    page.on('request', (request) =>
      requests.push({ url: request.url(), authorization: request.headers().authorization }),
    );
    const refusals: Array<Record<string, string>> = [];
    page.on('response', (response) => {
      if (response.status() === 401) refusals.push(response.headers());
    });

    // No credentials yet: the page asks for them, and shows no figure.
    await page.goto(`${receiver.base}/reports`);
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.locator('#status', { hasText: 'Sign in to see the reports.' }).waitFor();
    expect(await page.locator('[data-figure]').count()).toBe(0);

    // A wrong password: refused, and the page says so, still asking.
    await page.fill('#login-user', 'tccc');
    await page.fill('#login-secret', `${PASSWORD}x`);
    await page.click('#login-form button[type="submit"]');
    await page.locator('#status', { hasText: 'Sign-in refused' }).waitFor();
    expect(await statusText(page)).toBe('Sign-in refused: wrong credentials. Check them and sign in again.');
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('[data-figure]').count()).toBe(0);
    expect(await page.inputValue('#login-secret')).toBe('');
    // A 401 without WWW-Authenticate: chromium neither prompts nor keeps credentials of its own.
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.filter((headers) => 'www-authenticate' in headers)).toEqual([]);

    // The right one: the figures, equal to what the JSON routes answer.
    const before = (await page.evaluate<string>("document.body.dataset.ready ?? ''")) as string;
    const seen = requests.length;
    await page.fill('#login-secret', PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await drawnAfter(page, before);
    expect(await page.locator('#login').isVisible()).toBe(false);
    expect(await statusText(page)).toMatch(/^\d+ sessions from /);
    const timeUrl = requests
      .slice(seen)
      .map((request) => request.url)
      .find((url) => url.includes('/reports/summary') && /groupBy=(hour|day)/.test(url)) as string;
    const summary = await getSummary(timeUrl);
    expect(summary.totals.sessions).toBeGreaterThan(0);
    const figure = async (name: string) =>
      Number(((await page.locator(`[data-figure="${name}"] .value`).textContent()) ?? '').replace(/\D/g, ''));
    expect(await figure('sessions')).toBe(summary.totals.sessions);
    expect(await figure('answered')).toBe(summary.totals.answered);
    expect(await page.inputValue('#login-secret')).toBe('');

    // The password went only to this receiver, in the Authorization header, and is kept nowhere.
    const origin = new URL(receiver.base).origin;
    expect(requests.filter((request) => request.authorization === AUTHORIZATION).length).toBeGreaterThan(0);
    expect(requests.filter((request) => request.authorization && new URL(request.url).origin !== origin)).toEqual([]);
    const leaks = (text: string) => PASSWORD_FORMS.filter((form) => text.includes(form));
    expect(page.url()).toBe(`${receiver.base}/reports`);
    expect(requests.flatMap((request) => leaks(request.url))).toEqual([]);
    const kept = (await page.evaluate<string>(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, history: history.state })',
    )) as string;
    expect(JSON.parse(kept)).toEqual({ local: {}, session: {}, cookie: '', history: null });
    expect(await context.cookies()).toEqual([]);
    expect(leaks(await page.content())).toEqual([]);

    // Memory only: a reload asks again.
    await page.reload();
    await page.locator('#status', { hasText: 'Sign in to see the reports.' }).waitFor();
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
