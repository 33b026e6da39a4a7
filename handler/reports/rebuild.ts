import type { Item } from '../aws/dynamodb';
import { dayOf } from '../common/utc-buckets';
import { contributionItem, dayStateKey, rollupItems, rollupPointer } from './report-layout';
import type { StoredContribution } from './report-store';
import { rollupViewsOf } from './rollup';

/**
 * Every item of the report table for a set of sessions at once, with the consumer's own
 * layout and rollup functions, as if each day had been changed once and then rolled up: its
 * contributions, its state at revision 1 with the rollup's pointer, and the rollup. For
 * filling a table in bulk (the bench's 450,000 sessions); tests/reports check that a summary
 * over it equals one over what the consumer wrote.
 */
export function* reportItemsOf(sessions: Iterable<StoredContribution>): Generator<Item> {
  const days = new Map<string, { action: string; dayStart: number; members: StoredContribution[] }>();
  for (const session of sessions) {
    const dayStart = dayOf(session.contribution.end);
    const key = `${session.action}#${dayStart}`;
    const day = days.get(key) ?? { action: session.action, dayStart, members: [] };
    day.members.push(session);
    days.set(key, day);
    yield contributionItem(session);
  }
  for (const { action, dayStart, members } of days.values()) {
    const views = rollupViewsOf(members.map((member) => member.contribution));
    const token = 'bulk';
    yield* rollupItems(action, dayStart, token, views);
    const chunks = Object.fromEntries([...views].map(([view, list]) => [view, list.length]));
    yield {
      ...dayStateKey(action, dayStart),
      rev: { N: '1' },
      ...rollupPointer({ rev: 1, token, chunks: chunks as never }),
    };
  }
}
