import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type AggregateDimension,
  aggregatePartition,
  bucketSortKey,
  contributionPartition,
  PK,
  REVISION_SK,
  SK,
} from '../store/report-layout';
import type { Contribution } from './contribution';
import { groupContributions, groupsToJson } from './grouping';
import { DAY, HOUR, type Level, QUARTER } from './segments';

export interface CountedSession {
  readonly action: string;
  readonly hash: string;
  readonly versionId: string;
  readonly contribution: Contribution;
}

type Item = Record<string, AttributeValue>;

const DIMENSIONS: readonly AggregateDimension[] = ['all', 'seat', 'skillGroup', 'status'];

/**
 * Every item of the report table for a set of sessions at once, with the stream consumer's
 * own functions (groupContributions, the layout) and the revisions it would reach: each
 * quarter at revision 1, each hour at the sum of its quarters', each day of its hours'. For
 * filling a table in bulk (the bench's 450,000 sessions), where a recount per bucket through
 * the consumer would take hours; tests/reports check it gives what the consumer gives.
 */
export function* reportItemsOf(sessions: Iterable<CountedSession>): Generator<Item> {
  const quarters = new Map<string, { action: string; start: number; members: CountedSession[] }>();
  for (const session of sessions) {
    const start = Math.floor(session.contribution.end / QUARTER) * QUARTER;
    const key = `${session.action}#${start}`;
    const quarter = quarters.get(key) ?? { action: session.action, start, members: [] };
    quarter.members.push(session);
    quarters.set(key, quarter);
    yield {
      [PK]: { S: contributionPartition(session.action, start) },
      [SK]: { S: session.hash },
      c: { S: JSON.stringify(session.contribution) },
      v: { S: session.versionId },
    };
  }
  const bucket = (
    action: string,
    dimension: AggregateDimension,
    level: Level,
    start: number,
    rev: number,
    members: Contribution[],
  ): Item => ({
    [PK]: { S: aggregatePartition(action, dimension, level, start) },
    [SK]: { S: bucketSortKey(start) },
    rev: { N: String(rev) },
    g: { S: groupsToJson(groupContributions(members, dimension)) },
  });
  const hours = new Map<string, { action: string; start: number; rev: number; members: Contribution[] }>();
  for (const { action, start, members } of quarters.values()) {
    const contributions = members.map((member) => member.contribution);
    yield { [PK]: { S: contributionPartition(action, start) }, [SK]: { S: REVISION_SK }, rev: { N: '1' } };
    yield bucket(action, 'all', 'Q', start, 1, contributions);
    const hourStart = Math.floor(start / HOUR) * HOUR;
    const hour = hours.get(`${action}#${hourStart}`) ?? { action, start: hourStart, rev: 0, members: [] };
    hour.rev += 1;
    hour.members.push(...contributions);
    hours.set(`${action}#${hourStart}`, hour);
  }
  const days = new Map<string, { action: string; start: number; rev: number; members: Contribution[] }>();
  for (const { action, start, rev, members } of hours.values()) {
    for (const dimension of DIMENSIONS) yield bucket(action, dimension, 'H', start, rev, members);
    const dayStart = Math.floor(start / DAY) * DAY;
    const day = days.get(`${action}#${dayStart}`) ?? { action, start: dayStart, rev: 0, members: [] };
    day.rev += rev;
    day.members.push(...members);
    days.set(`${action}#${dayStart}`, day);
  }
  for (const { action, start, rev, members } of days.values()) {
    for (const dimension of DIMENSIONS) yield bucket(action, dimension, 'D', start, rev, members);
  }
}
