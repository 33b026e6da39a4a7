import { createHash } from 'node:crypto';
import { DAY } from '../common/utc-buckets';

/**
 * The record table's two sparse query indexes (infra/dynamodb.yml). Only a record's
 * current item (`R#...`) carries their keys, so older versions never show up in a query.
 * See handler/query/README.md for the access patterns and why the keys look like this.
 *
 * - `byEndTime`: partition `qEnd` = `<action>#<UTC day of the end time>#<shard>`, sort `qSort`.
 *   The shard (0..SHARDS-1, from a hash of the record's key) spreads the writes of one
 *   instant over SHARDS partitions; the day bounds how much one partition holds and lets
 *   a query walk a range day by day.
 * - `bySeat`: partition `qSeat` = `<action>#<SeatUser.UserId>`, sort `qSort`. One agent ends
 *   a few sessions a minute at most: never hot, so neither day nor shard.
 *
 * `qSort` = `<end time, 16 digits>#<32 hex of SHA-256 of SessionId and recordKey>`: ordered
 * by end time, unique per record, and of fixed size (a SessionId and a natural key
 * together could outgrow the 1 KiB a sort key holds). Both indexes project the facets a
 * query filters on (`qStatus`, `qSkillName`, `qSkillId`) besides the keys; the record
 * itself is read from the table, so each index entry stays under 1 KB (1 WRU).
 */
export const QUERY_INDEX = { byEndTime: 'byEndTime', bySeat: 'bySeat' } as const;
export const QUERY_ATTRIBUTE = {
  endPartition: 'qEnd',
  seatPartition: 'qSeat',
  sort: 'qSort',
  status: 'qStatus',
  skillName: 'qSkillName',
  skillId: 'qSkillId',
} as const;

export const SHARDS = 4;

/** End times from 1970 up to the end of year 9999 have a UTC day; later ones share the last. */
export const MAX_DATED_SECONDS = 253_402_300_799;

const END_DIGITS = 16;
export const padSeconds = (seconds: number): string => String(seconds).padStart(END_DIGITS, '0');

/** The UTC day of an end time, `2026-11-27`. */
export function utcDayOf(seconds: number): string {
  const clamped = Math.min(Math.max(seconds, 0), MAX_DATED_SECONDS);
  return new Date(clamped * 1000).toISOString().slice(0, 10);
}

/** The first second of a UTC day, `2026-11-27`. */
export const dayStartSeconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;
export const previousDay = (day: string): string => utcDayOf(dayStartSeconds(day) - DAY);

export function recordHash(sessionId: string, recordKey: string): string {
  return createHash('sha256').update(sessionId).update('\u0000').update(recordKey).digest('hex').slice(0, 32);
}

export const shardOf = (hash: string): number => Number.parseInt(hash.slice(0, 2), 16) % SHARDS;

export const endPartitionKey = (action: string, day: string, shard: number): string => `${action}#${day}#${shard}`;

export const sortKey = (endSeconds: number, hash: string): string => `${padSeconds(endSeconds)}#${hash}`;

/** A partition key holds 2 KiB: a longer agent id is keyed by its hash (queries compute the same). */
const MAX_RAW_SEAT_BYTES = 1024;
export function seatPartitionKey(action: string, seat: string): string {
  const value =
    Buffer.byteLength(seat) <= MAX_RAW_SEAT_BYTES ? seat : `~sha256:${createHash('sha256').update(seat).digest('hex')}`;
  return `${action}#${value}`;
}

/** `0000001795608000#<hash>` or a bare `0000001795608000`, as cursors hold them. */
export const SORT_POSITION = /^\d{16}(#[0-9a-f]{32})?$/;
