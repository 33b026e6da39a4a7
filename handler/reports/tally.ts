import type { Contribution } from './contribution-type';

/**
 * The sums a report's figures are made of. They merge (two buckets' tallies add up to the
 * tally of both), so a range is the merge of the buckets it covers.
 */
export interface Tally {
  sessions: number;
  answered: number;
  waitSum: number;
  waitCount: number;
  waitMax: number | null;
  handleSum: number;
  handleCount: number;
  byStatus: Map<string, number>;
}

export const emptyTally = (): Tally => ({
  sessions: 0,
  answered: 0,
  waitSum: 0,
  waitCount: 0,
  waitMax: null,
  handleSum: 0,
  handleCount: 0,
  byStatus: new Map(),
});

export function addContribution(tally: Tally, contribution: Contribution): void {
  tally.sessions++;
  if (contribution.answered) tally.answered++;
  if (contribution.wait !== null) {
    tally.waitSum += contribution.wait;
    tally.waitCount++;
    tally.waitMax = tally.waitMax === null ? contribution.wait : Math.max(tally.waitMax, contribution.wait);
  }
  if (contribution.handle !== null) {
    tally.handleSum += contribution.handle;
    tally.handleCount++;
  }
  if (contribution.status !== null) {
    tally.byStatus.set(contribution.status, (tally.byStatus.get(contribution.status) ?? 0) + 1);
  }
}

export function mergeInto(target: Tally, other: Tally): void {
  target.sessions += other.sessions;
  target.answered += other.answered;
  target.waitSum += other.waitSum;
  target.waitCount += other.waitCount;
  if (other.waitMax !== null)
    target.waitMax = target.waitMax === null ? other.waitMax : Math.max(target.waitMax, other.waitMax);
  target.handleSum += other.handleSum;
  target.handleCount += other.handleCount;
  for (const [status, count] of other.byStatus) target.byStatus.set(status, (target.byStatus.get(status) ?? 0) + count);
}

/** Stored form: compact JSON arrays. */
export type TallyJson = [number, number, number, number, number | null, number, number, Array<[string, number]>];

export const tallyToJson = (t: Tally): TallyJson => [
  t.sessions,
  t.answered,
  t.waitSum,
  t.waitCount,
  t.waitMax,
  t.handleSum,
  t.handleCount,
  [...t.byStatus].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
];

export function tallyFromJson(json: TallyJson): Tally {
  const [sessions, answered, waitSum, waitCount, waitMax, handleSum, handleCount, byStatus] = json;
  return { sessions, answered, waitSum, waitCount, waitMax, handleSum, handleCount, byStatus: new Map(byStatus) };
}

/** The figures a summary answers, per group and in total. */
export interface Figures {
  sessions: number;
  answered: number;
  unanswered: number;
  answerRate: number | null;
  avgWaitSeconds: number | null;
  maxWaitSeconds: number | null;
  avgHandleSeconds: number | null;
  byStatus: Record<string, number>;
}

export function figuresOf(t: Tally): Figures {
  return {
    sessions: t.sessions,
    answered: t.answered,
    unanswered: t.sessions - t.answered,
    answerRate: t.sessions === 0 ? null : t.answered / t.sessions,
    avgWaitSeconds: t.waitCount === 0 ? null : t.waitSum / t.waitCount,
    maxWaitSeconds: t.waitMax,
    avgHandleSeconds: t.handleCount === 0 ? null : t.handleSum / t.handleCount,
    // fromEntries defines own properties: a status named __proto__ stays a key.
    byStatus: Object.fromEntries([...t.byStatus].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
