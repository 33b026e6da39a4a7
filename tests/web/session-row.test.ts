import { notATime, sessionRowOf } from '../../web/reports/session-row';
import { sampleOf } from '../support/events';

/** The reports page's table rows: dated by each type's own ordering field, a bad value shown as such. */
const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'medium' });
const cdr = sampleOf('cdr') as Record<string, unknown>;
const recording = sampleOf('record') as Record<string, unknown>;
const item = (action: string, record: Record<string, unknown>) => ({ action, record, receipt: {} });

describe('a row of the reports page’s sessions table', () => {
  it('dates each type by its own ordering field: a recording by Timestamp, whatever else it carries', () => {
    const row = sessionRowOf(
      item('record', { ...recording, Timestamp: 1_700_000_000, EndedTimestamp: 'not-a-time' }),
      format,
    );
    expect(row).toMatchObject({ when: '14/11/2023, 22:13:20', badTime: false, action: 'record' });
    expect(sessionRowOf(item('cdr', { ...cdr, EndedTimestamp: 1_700_000_000, Timestamp: 'x' }), format).when).toBe(
      '14/11/2023, 22:13:20',
    );
  });

  it.each([
    ['a string', 'not-a-time', 'not a time: "not-a-time"'],
    ['past the last date a browser draws', 9_007_199_254_740_991, 'not a time: 9007199254740991'],
    ['a fraction', 1.5, 'not a time: 1.5'],
    ['missing', undefined, 'not a time: missing'],
    ['a long text, cut short', 'x'.repeat(100), `not a time: "${'x'.repeat(39)}…`],
  ])('shows a session whose end time is %s as such, without throwing', (_, value, shown) => {
    const row = sessionRowOf(item('cdr', { ...cdr, EndedTimestamp: value }), format);
    expect(row).toMatchObject({ when: shown, badTime: true, sessionId: cdr.SessionId });
  });

  it('reads agent, skill group, status and wait through the shared session facets', () => {
    const row = sessionRowOf(
      item('cdr', {
        ...cdr,
        SeatUser: { UserId: 'agent@example.com' },
        QueuedSkillGroupName: undefined,
        QueuedSkillGroupId: 1003,
        EndStatusString: 'ok',
        StartTimestamp: 1_700_000_000,
        AcceptTimestamp: 1_700_000_012,
      }),
      format,
    );
    expect(row).toMatchObject({ seat: 'agent@example.com', skillGroup: '1003', status: 'ok', waitSeconds: '12' });
    const odd = sessionRowOf(
      item('cdr', { ...cdr, SeatUser: 'x', EndStatusString: 7, AcceptTimestamp: 0, QueuedSkillGroupName: '' }),
      format,
    );
    expect(odd).toMatchObject({ seat: '–', status: '–', waitSeconds: '–' });
    expect(notATime(null)).toBe('not a time: null');
  });
});
