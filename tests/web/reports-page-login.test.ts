import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { contactCentrePushes } from '../support/contact-centre';
import { dataDir, type LocalReceiver, settled, startLocalReceiver } from '../support/local-receiver';

/**
 * The reports page of `npm start` wanting credentials (TCCC_AUTH=basic, then oauth2, with the
 * README's credential variables), in Debian's chromium (driven by playwright-core): it asks for
 * them, refuses wrong ones with a message saying so, shows the figures for the right ones, and
 * keeps the secret in the page's memory only: never in the URL, a request's URL, storage or a
 * cookie, and a reload asks again.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];
// Characters that URL and form encodings change: a leak in any of its forms is still found.
const SECRET = `pw+/=${randomBytes(9).toString('base64url')}`;
const SESSIONS = 30;

const receivers: LocalReceiver[] = [];
const folders: Array<{ remove: () => void }> = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const receiver of receivers) expect(await receiver.stop()).toBe(true);
  for (const folder of folders) folder.remove();
});

type Summary = { totals: { sessions: number; answered: number } };
type Dom = { document: { body: { dataset: { ready?: string } } } };

/** `npm start` with `env`, holding SESSIONS sessions pushed with `authorization`, counted by the reports. */
async function receiverWithData(
  env: Record<string, string>,
  authorization: (receiver: LocalReceiver) => Promise<string>,
) {
  const data = dataDir();
  folders.push(data);
  const receiver = await startLocalReceiver(data.dir, { ...env, STREAM_POLL_MS: '200' });
  receivers.push(receiver);
  const today = Math.floor(Date.now() / 86_400_000) * 86_400;
  const header = await authorization(receiver);
  const pushes = contactCentrePushes({ seed: 33, firstDay: today - 3 * 86_400, days: 3, sessions: SESSIONS });
  for (const { query, body } of pushes) {
    const reply = await fetch(`${receiver.base}/?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', authorization: header },
      body: JSON.stringify(body),
    });
    expect(((await reply.json()) as { ErrCode: number }).ErrCode).toBe(0);
  }
  const summary = async (url: string) =>
    (await (await fetch(url, { headers: { authorization: header } })).json()) as Summary;
  // Every session counted once: the page must see the settled figures, not a recount in progress.
  const wide = `${receiver.base}/reports/summary?from=${today - 40 * 86_400}&to=${today + 3 * 86_400}&groupBy=status`;
  const counted = await settled(
    () => summary(wide),
    (body) => body.totals?.sessions === SESSIONS,
  );
  expect(counted.totals.sessions).toBe(SESSIONS);
  return { receiver, summary };
}

interface Watched {
  page: Page;
  context: BrowserContext;
  requests: Array<{ url: string; method: string; authorization?: string; body: string }>;
  refusals: Array<Record<string, string>>;
  pageErrors: string[];
}

async function openPage(): Promise<Watched> {
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const watched: Watched = { page, context, requests: [], refusals: [], pageErrors: [] };
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('request', (request) =>
    watched.requests.push({
      url: request.url(),
      method: request.method(),
      authorization: request.headers().authorization,
      body: request.postData() ?? '',
    }),
  );
  page.on('response', (response) => {
    if (response.status() === 401) watched.refusals.push(response.headers());
  });
  return watched;
}

const statusText = async (page: Page) => ((await page.locator('#status').textContent()) ?? '').trim();

/** Fills the sign-in form and submits it. */
async function signIn(page: Page, method: string, user: string, secret: string) {
  await page.selectOption('#login-mode', method);
  await page.fill('#login-user', user);
  await page.fill('#login-secret', secret);
  await page.click('#login-form button[type="submit"]');
}

/** Before any credentials: the page asks for them and shows no figure. */
async function expectAsked(page: Page) {
  await page.locator('#login').waitFor({ state: 'visible' });
  await page.locator('#status', { hasText: 'Sign in to see the reports.' }).waitFor();
  expect(await page.locator('[data-figure]').count()).toBe(0);
}

/** Wrong credentials: refused in words, still asking, no figure, the secret field emptied. */
async function expectRefused(watched: Watched, message: string) {
  const { page } = watched;
  await page.locator('#status', { hasText: 'Sign-in refused' }).waitFor();
  expect(await statusText(page)).toBe(message);
  expect(await page.locator('#login').isVisible()).toBe(true);
  expect(await page.locator('[data-figure]').count()).toBe(0);
  expect(await page.inputValue('#login-secret')).toBe('');
  // A 401 without WWW-Authenticate: chromium neither prompts nor keeps credentials of its own.
  expect(watched.refusals.filter((headers) => 'www-authenticate' in headers)).toEqual([]);
}

/** Signs in with the right credentials: the figures drawn are the JSON routes' own. */
async function expectFigures(
  watched: Watched,
  summary: (url: string) => Promise<Summary>,
  signingIn: () => Promise<void>,
) {
  const { page } = watched;
  const before = (await page.evaluate<string>("document.body.dataset.ready ?? ''")) as string;
  const seen = watched.requests.length;
  await signingIn();
  // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
  await page.waitForFunction(
    (previous: string) => ((globalThis as unknown as Dom).document.body.dataset.ready ?? '') !== previous,
    before,
    { timeout: 30_000 },
  );
  expect(await page.locator('#login').isVisible()).toBe(false);
  expect(await statusText(page)).toMatch(/^\d+ sessions from /);
  const timeUrl = watched.requests
    .slice(seen)
    .map((request) => request.url)
    .find((url) => url.includes('/reports/summary') && /groupBy=(hour|day)/.test(url)) as string;
  const expected = await summary(timeUrl);
  expect(expected.totals.sessions).toBeGreaterThan(0);
  const figure = async (name: string) =>
    Number(((await page.locator(`[data-figure="${name}"] .value`).textContent()) ?? '').replace(/\D/g, ''));
  expect(await figure('sessions')).toBe(expected.totals.sessions);
  expect(await figure('answered')).toBe(expected.totals.answered);
  expect(await page.inputValue('#login-secret')).toBe('');
}

/**
 * The secret went only to this receiver (in the Authorization header, or the token request's
 * body), in no URL, and is kept nowhere the browser keeps things; a reload asks again.
 */
async function expectKeptNowhere(watched: Watched, receiver: LocalReceiver, secretForms: string[]) {
  const { page, context } = watched;
  const origin = new URL(receiver.base).origin;
  expect(watched.requests.filter((request) => new URL(request.url).origin !== origin)).toEqual([]);
  const leaks = (text: string) => secretForms.filter((form) => text.includes(form));
  expect(page.url()).toBe(`${receiver.base}/reports`);
  expect(watched.requests.flatMap((request) => leaks(request.url))).toEqual([]);
  const kept = (await page.evaluate<string>(
    'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, history: history.state })',
  )) as string;
  expect(JSON.parse(kept)).toEqual({ local: {}, session: {}, cookie: '', history: null });
  expect(await context.cookies()).toEqual([]);
  expect(leaks(await page.content())).toEqual([]);

  await page.reload();
  await expectAsked(page);
  expect(watched.pageErrors).toEqual([]);
  await context.close();
}

/** Every form the secret could take on its way somewhere. */
const formsOf = (user: string, secret: string) => [
  secret,
  encodeURIComponent(secret),
  new URLSearchParams({ p: secret }).toString().slice(2),
  Buffer.from(`${user}:${secret}`).toString('base64'),
];

describe('GET /reports in a browser, on npm start wanting credentials', () => {
  it('TCCC_AUTH=basic: asks, refuses a wrong password clearly, shows the figures for the right one, keeps the password nowhere', async () => {
    const authorization = `Basic ${Buffer.from(`tccc:${SECRET}`).toString('base64')}`;
    const { receiver, summary } = await receiverWithData(
      { TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'tccc', TCCC_BASIC_PASSWORD: SECRET },
      async () => authorization,
    );
    const watched = await openPage();
    await watched.page.goto(`${receiver.base}/reports`);
    await expectAsked(watched.page);

    await signIn(watched.page, 'basic', 'tccc', `${SECRET}x`);
    await expectRefused(watched, 'Sign-in refused: wrong credentials. Check them and sign in again.');
    expect(watched.refusals.length).toBeGreaterThan(0);

    await expectFigures(watched, summary, () => signIn(watched.page, 'basic', 'tccc', SECRET));
    // Sent as HTTP Basic, to this receiver only, in no request's body.
    expect(watched.requests.filter((request) => request.authorization === authorization).length).toBeGreaterThan(0);
    expect(
      watched.requests.filter((request) => formsOf('tccc', SECRET).some((form) => request.body.includes(form))),
    ).toEqual([]);
    await expectKeptNowhere(watched, receiver, formsOf('tccc', SECRET));
  }, 300_000);

  it('TCCC_AUTH=oauth2: signs in with the client id and secret through /oauth/token, refuses a wrong secret clearly, keeps both nowhere', async () => {
    const env = { TCCC_AUTH: 'oauth2', TCCC_OAUTH_CLIENT_ID: 'tccc', TCCC_OAUTH_CLIENT_SECRET: SECRET };
    const { receiver, summary } = await receiverWithData(env, async ({ base }) => {
      const reply = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tccc', client_secret: SECRET }),
      });
      return `Bearer ${((await reply.json()) as { access_token: string }).access_token}`;
    });
    const watched = await openPage();
    await watched.page.goto(`${receiver.base}/reports`);
    await expectAsked(watched.page);

    await signIn(watched.page, 'oauth2', 'tccc', `${SECRET}x`);
    await expectRefused(watched, 'Sign-in refused: invalid_client. Check them and sign in again.');

    await expectFigures(watched, summary, () => signIn(watched.page, 'oauth2', 'tccc', SECRET));
    // The secret left the page once per sign-in, in the token request's body; the reads carry the token.
    const carriers = watched.requests.filter((request) =>
      formsOf('tccc', SECRET).some((form) => request.body.includes(form)),
    );
    // (the refused sign-in's secret began with the right one: two sign-ins, two token requests)
    expect(carriers.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      'POST /oauth/token',
      'POST /oauth/token',
    ]);
    const reads = watched.requests.filter((request) => new URL(request.url).pathname === '/reports/summary');
    expect(reads.filter((request) => request.authorization?.startsWith('Bearer ey')).length).toBeGreaterThan(0);
    await expectKeptNowhere(watched, receiver, formsOf('tccc', SECRET));
  }, 300_000);
});
