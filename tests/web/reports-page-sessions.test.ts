import { type Browser, chromium } from 'playwright-core';
import { SESSION_ACTIONS } from '../../handler/push-types/push-registry';
import { sampleOf } from '../support/events';
import { dataDir, type LocalReceiver, settled, startLocalReceiver } from '../support/local-receiver';

/**
 * The reports page's sessions table on `npm start`, in Debian's chromium: it counts what the
 * charts count ("All session types" are the session-level types), and a recording that carries
 * a non-numeric extra time field does not stop it.
 */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'];

const data = dataDir();
let receiver: LocalReceiver;
let browser: Browser;
afterAll(async () => {
  await browser?.close();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

async function push(action: string, body: Record<string, unknown>): Promise<void> {
  const reply = await fetch(`${receiver.base}/?action=${action}&version=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8' },
    body: JSON.stringify(body),
  });
  expect(await reply.json()).toMatchObject({ ErrCode: 0 });
}

describe('GET /reports: the sessions table', () => {
  it('lists the sessions the charts count, and is not stopped by a recording with "EndedTimestamp":"not-a-time"', async () => {
    receiver = await startLocalReceiver(data.dir, { TCCC_AUTH: 'none', STREAM_POLL_MS: '200' });
    const now = Math.floor(Date.now() / 1000) - 3_600;
    const sessions = [
      ['cdr', sampleOf('cdr', { SessionId: 'table-cdr-1', StartTimestamp: now - 300, EndedTimestamp: now })],
      ['imcdr', sampleOf('imcdr', { SessionId: 'table-im-1', StartTimestamp: now - 200, EndedTimestamp: now - 60 })],
      [
        'videoCdr',
        sampleOf('video-cdr', { SessionId: 'table-video-1', StartTimestamp: now - 90, EndedTimestamp: now - 30 }),
      ],
    ] as const;
    for (const [action, body] of sessions) await push(action, body);
    // Parts of a session, not sessions: the charts do not count them, nor may the table.
    await push(
      'record',
      sampleOf('record', { SessionId: 'table-cdr-1', Timestamp: now - 10, EndedTimestamp: 'not-a-time' }),
    );

    const summaryUrl = `${receiver.base}/reports/summary?from=${now - 86_400}&to=${now + 86_400}&groupBy=status`;
    const counted = await settled(
      async () => (await (await fetch(summaryUrl)).json()) as { totals: { sessions: number } },
      (summary) => summary.totals?.sessions === sessions.length,
    );
    expect(counted.totals.sessions).toBe(sessions.length);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const page = await (await browser.newContext({ timezoneId: 'Asia/Shanghai' })).newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const asked: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/sessions') asked.push(url);
    });
    await page.goto(`${receiver.base}/reports`);
    await page
      .waitForFunction(() => {
        const body = (globalThis as unknown as { document: { body: { dataset: { ready?: string } } } }).document.body;
        return body.dataset.ready !== undefined;
      })
      .catch(async (error) => {
        throw new Error(`${error}; status: ${await page.locator('#status').textContent()}; errors: ${errors}`);
      });

    expect(asked.map((url) => url.searchParams.get('action'))).toEqual([SESSION_ACTIONS.join(',')]);
    const rows = page.locator('#session-rows tr');
    expect(
      await rows.evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as { dataset: { sessionId: string } }).dataset.sessionId),
      ),
    ).toEqual(['table-cdr-1', 'table-video-1', 'table-im-1']);
    // As many as the figures say, each dated by its own end time.
    const tile = await page.locator('[data-figure="sessions"] .value').textContent();
    expect(Number(tile)).toBe(await rows.count());
    expect(await rows.locator('td.bad-value').count()).toBe(0);
    expect(await rows.first().locator('td').first().textContent()).toMatch(/\d/);
    expect(errors).toEqual([]);
  }, 300_000);
});
