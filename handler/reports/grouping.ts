import type { AggregateDimension } from '../store/report-layout';
import type { Group } from '../store/report-store';
import type { Contribution } from './contribution';
import {
  addContribution,
  emptyTally,
  mergeInto,
  type Tally,
  type TallyJson,
  tallyFromJson,
  tallyToJson,
} from './tally';

const keyOf = (contribution: Contribution, dimension: AggregateDimension): string | null =>
  dimension === 'all' ? null : contribution[dimension];

/** Tallies per group of one dimension (`all`: one group, key null). */
export function groupContributions(contributions: Iterable<Contribution>, dimension: AggregateDimension): Group[] {
  const groups = new Map<string | null, Tally>();
  for (const contribution of contributions) {
    const key = keyOf(contribution, dimension);
    let tally = groups.get(key);
    if (!tally) {
      tally = emptyTally();
      groups.set(key, tally);
    }
    addContribution(tally, contribution);
  }
  return [...groups];
}

/** Groups of several buckets merged by key. */
export function mergeGroups(into: Map<string | null, Tally>, groups: Iterable<Group>): void {
  for (const [key, tally] of groups) {
    let target = into.get(key);
    if (!target) {
      target = emptyTally();
      into.set(key, target);
    }
    mergeInto(target, tally);
  }
}

export const groupsToJson = (groups: readonly Group[]): string =>
  JSON.stringify(groups.map(([key, tally]) => [key, tallyToJson(tally)]));

export const groupsFromJson = (json: string): Group[] =>
  (JSON.parse(json) as Array<[string | null, TallyJson]>).map(([key, tally]) => [key, tallyFromJson(tally)] as const);
