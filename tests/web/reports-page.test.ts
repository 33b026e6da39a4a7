import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { contactCentrePushes } from '../support/contact-centre';
import { dataDir, type LocalReceiver, settled, startLocalReceiver } from '../support/local-receiver';

/**
 * The reports page in Debian's chromium (driven by playwright-core), on `npm start` with
 * data: it draws its charts and figures, follows a change of range and grouping, opens a
 * record, logs no console error, and fits a phone's width. Screenshots: tests/output/.
 */
const OUTPUT = path.join(__dirname, '..', 'output');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const data = dataDir();
let receiver: LocalReceiver;
let browser: Browser;
afterAll(async () => {
  await browser?.close();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

type Summary = { totals: { sessions: number; answered: number; avgWaitSeconds: number | null } };

/** Waits for the page to finish a refresh after `action`, and answers the summary URLs it called. */
async function refreshed(page: Page, action: () => Promise<unknown>): Promise<string[]> {
  // Expressions as text: these run in the browser, and this project's types are Node's.
  const before = await page.evaluate<string>("document.body.dataset.ready ?? ''");
  const urls: string[] = [];
  const listen = (request: { url(): string }) => {
    if (request.url().includes('/reports/summary')) urls.push(request.url());
  };
  page.on('request', listen);
  await action();
  // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
  await page.waitForFunction(
    (previous: string) =>
      ((globalThis as unknown as { document: { body: { dataset: { ready?: string } } } }).document.body.dataset.ready ??
        '') !== previous,
    before,
    { timeout: 30_000 },
  );
  page.off('request', listen);
  return urls;
}

const SESSIONS = 90;

describe('GET /reports in a browser', () => {
  it('draws the charts and figures, follows range and grouping, opens a record, without console errors', async () => {
    receiver = await startLocalReceiver(data.dir, { TCCC_AUTH: 'none', STREAM_POLL_MS: '200' });
    const today = Math.floor(Date.now() / 86_400_000) * 86_400;
    const pushes = contactCentrePushes({ seed: 21, firstDay: today - 5 * 86_400, days: 5, sessions: SESSIONS });
    for (const { query, body } of pushes) {
      const reply = await fetch(`${receiver.base}/?${new URLSearchParams(query)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf8' },
        body: JSON.stringify(body),
      });
      expect(((await reply.json()) as { ErrCode: number }).ErrCode).toBe(0);
    }
    const monthUrl = `${receiver.base}/reports/summary?from=${today - 40 * 86_400}&to=${today + 3 * 86_400}&groupBy=status`;
    // Every session counted once, and the figures no longer moving: the page and the JSON
    // read below must see the same settled figures, not a recount in progress.
    const wideSummary = async () => (await (await fetch(monthUrl)).json()) as Summary;
    const counted = await settled(wideSummary, (summary) => summary.totals?.sessions === SESSIONS);
    expect(counted.totals.sessions).toBe(SESSIONS);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));

    const first = await refreshed(page, () => page.goto(`${receiver.base}/reports`));
    expect(first.some((url) => url.includes('groupBy=day') && url.includes('tz=Asia%2FShanghai'))).toBe(true);
    // The last 7 days run from a Shanghai midnight (16:00 UTC) to the one after today.
    const range = new URL(first[0] as string).searchParams;
    expect(range.get('from')).toMatch(/T16:00:00\.000Z$/);
    expect(Date.parse(range.get('to') ?? '') - Date.parse(range.get('from') ?? '')).toBe(7 * 86_400_000);

    async function expectFiguresOf(urls: string[]) {
      const timeUrl = urls.find((url) => /groupBy=(hour|day)/.test(url)) as string;
      const summary = (await (await fetch(timeUrl)).json()) as Summary;
      const sessions = await page.locator('[data-figure="sessions"] .value').textContent();
      expect(Number(sessions?.replace(/\D/g, ''))).toBe(summary.totals.sessions);
      const answered = await page.locator('[data-figure="answered"] .value').textContent();
      expect(Number(answered?.replace(/\D/g, ''))).toBe(summary.totals.answered);
      return summary;
    }
    const week = await expectFiguresOf(first);
    expect(week.totals.sessions).toBeGreaterThan(0);
    for (const id of ['chart-time', 'chart-seat', 'chart-skill', 'chart-status']) {
      const size = await page
        .locator(`#${id} canvas`)
        .first()
        .evaluate((canvas: { width: number; height: number }) => canvas.width * canvas.height);
      expect(Number(size)).toBeGreaterThan(10_000);
    }

    const month = await refreshed(page, () => page.selectOption('#range', '30d'));
    expect(month.length).toBe(4);
    await expectFiguresOf(month);
    const hourly = await refreshed(page, () => page.selectOption('#grouping', 'hour'));
    expect(hourly.some((url) => url.includes('groupBy=hour'))).toBe(true);
    await expectFiguresOf(hourly);
    expect(await page.locator('#time-caption').textContent()).toBe('Sessions and answer rate by hour');

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'reports-page.png'), fullPage: true });

    const row = page.locator('#session-rows tr').first();
    const sessionId = await row.getAttribute('data-session-id');
    expect(sessionId).toBeTruthy();
    await row.click();
    await page.locator('#record[open]').waitFor();
    const shown = JSON.parse((await page.locator('#record-json').textContent()) ?? '[]') as Array<{
      record: { SessionId: string };
    }>;
    expect(shown.map((item) => item.record.SessionId)).toContain(sessionId);
    await page.screenshot({ path: path.join(OUTPUT, 'reports-page-record.png') });
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(OUTPUT, 'reports-page-phone.png'), fullPage: true });

    expect(errors).toEqual([]);
  }, 300_000);
});
