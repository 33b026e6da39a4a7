import { sampleOf } from '../support/events';
import { dataDir, eventually, type LocalReceiver, startLocalReceiver } from '../support/local-receiver';

const data = dataDir();
let receiver: LocalReceiver;
afterAll(async () => {
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

describe('npm start runs the reports stream consumer', () => {
  it('counts a pushed session in the summary, and moves it when a newer version lands', async () => {
    receiver = await startLocalReceiver(data.dir, { TCCC_AUTH: 'none', STREAM_POLL_MS: '200' });
    const push = (body: unknown) =>
      fetch(`${receiver.base}/?action=cdr&version=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf8' },
        body: JSON.stringify(body),
      });
    const first = sampleOf('cdr', {
      StartTimestamp: 1_735_689_600,
      AcceptTimestamp: 0,
      EndedTimestamp: 1_735_689_700,
      EndStatusString: 'waitingGiveUp',
    });
    expect(((await (await push(first)).json()) as { ErrCode: number }).ErrCode).toBe(0);
    const summary = async () => {
      const reply = await fetch(
        `${receiver.base}/reports/summary?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&groupBy=hour`,
        {
          headers: {},
        },
      );
      return (await reply.json()) as {
        totals: { sessions: number; answered: number };
        groups: Array<{ key: string; sessions: number }>;
      };
    };
    let body = await eventually(summary, (s) => s.totals?.sessions === 1);
    expect(body.groups.find((g) => g.key === '2025-01-01T00:00')?.sessions).toBe(1);

    await push({ ...first, AcceptTimestamp: 1_735_689_650, EndedTimestamp: 1_735_696_800, EndStatusString: 'ok' });
    // The consumer recounts the new hour and the old one in turn: a read in between may see
    // the session in both, so wait for the settled state, not the first sign of the move.
    const hour = (s: Awaited<ReturnType<typeof summary>>, key: string) =>
      s.groups?.find((g) => g.key === key)?.sessions;
    body = await eventually(
      summary,
      (s) => s.totals?.answered === 1 && hour(s, '2025-01-01T00:00') === 0 && hour(s, '2025-01-01T02:00') === 1,
    );
    expect(body.totals).toMatchObject({ sessions: 1, answered: 1 });
    expect(body.groups.find((g) => g.key === '2025-01-01T00:00')?.sessions).toBe(0);
    expect(body.groups.find((g) => g.key === '2025-01-01T02:00')?.sessions).toBe(1);

    const sessions = await fetch(
      `${receiver.base}/sessions?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&seat=agent1@example.com`,
      {
        headers: {},
      },
    );
    const found = (await sessions.json()) as { items: Array<{ record: { SessionId: string } }>; cursor: null };
    expect(found.items.map((item) => item.record.SessionId)).toEqual([first.SessionId]);
  }, 240_000);
});
