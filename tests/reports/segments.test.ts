import { timeGroupsOf } from '../../handler/reports/segments';

describe('local hours and days', () => {
  it('cuts Kolkata (+05:30) hours at the half hour, every hour of the range present', () => {
    const groups = timeGroupsOf(2_001_196_800, 2_001_196_800 + 3 * 3_600, 'Asia/Kolkata', 'hour');
    expect(groups.map((group) => group.key)).toEqual([
      '2033-06-01T05:00',
      '2033-06-01T06:00',
      '2033-06-01T07:00',
      '2033-06-01T08:00',
    ]);
    expect(groups[1]?.intervals).toEqual([[2_001_196_800 + 1_800, 2_001_196_800 + 5_400]]);
  });

  it('gives New York 01:00 two real hours on the night the clock goes back', () => {
    // 2026-11-01: 06:00Z is 02:00 EDT becoming 01:00 EST.
    const fallBack = 1_793_512_800;
    const groups = timeGroupsOf(fallBack - 3 * 3_600, fallBack + 3 * 3_600, 'America/New_York', 'hour');
    const oneAm = groups.find((group) => group.key === '2026-11-01T01:00');
    expect(oneAm?.intervals).toEqual([[fallBack - 3_600, fallBack + 3_600]]);
    expect(groups.map((group) => group.key)).toEqual([
      '2026-10-31T23:00',
      '2026-11-01T00:00',
      '2026-11-01T01:00',
      '2026-11-01T02:00',
      '2026-11-01T03:00',
    ]);
  });

  it('finds the second a zone off the quarter-hour grid changes hour (Monrovia, -00:44:30 in 1970)', () => {
    const groups = timeGroupsOf(0, 3 * 3_600, 'Africa/Monrovia', 'hour');
    expect(groups[0]).toEqual({ key: '1969-12-31T23:00', intervals: [[0, 2_670]] });
    expect(groups[1]).toEqual({ key: '1970-01-01T00:00', intervals: [[2_670, 6_270]] });
  });
});
