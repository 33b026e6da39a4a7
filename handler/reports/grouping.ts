import type { Contribution } from './contribution-type';
import { addContribution, emptyTally, mergeInto, type Tally } from './tally';

/** One group: its key (null: the sessions without one) and its tally. */
export type Group = readonly [string | null, Tally];
export type Groups = Map<string | null, Tally>;

function groupOf(groups: Groups, key: string | null): Tally {
  let tally = groups.get(key);
  if (!tally) {
    tally = emptyTally();
    groups.set(key, tally);
  }
  return tally;
}

/** Tallies per key, the key of each contribution given by `keyOf`. */
export function groupContributions(
  contributions: Iterable<Contribution>,
  keyOf: (contribution: Contribution) => string | null,
): Groups {
  const groups: Groups = new Map();
  for (const contribution of contributions) addContribution(groupOf(groups, keyOf(contribution)), contribution);
  return groups;
}

/** Groups of several sources merged by key. */
export function mergeGroups(into: Groups, groups: Iterable<Group>): void {
  for (const [key, tally] of groups) mergeInto(groupOf(into, key), tally);
}
