import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '../aws/attribute-values';
import { queryAll, readItem, send } from '../aws/dynamodb';
import { DAY } from '../common/utc-buckets';
import { EXPIRES_AT_ATTRIBUTE } from '../records/item-layout';
import { daysSetting } from '../records/retention';
import { AUDIT_PARTITION, PK, SK } from './privacy-layout';

/** How long an entry is kept by default: three years (AUDIT_RETENTION_DAYS; 0 keeps forever). */
export const DEFAULT_AUDIT_DAYS = 1095;
/** An entry lists at most this many sessions (an item holds 400 KB); its counts cover them all. */
export const MAX_AUDITED_SESSIONS = 1000;

/**
 * One erasure, retention or privacy-index run, as the audit trail keeps it. Never a personal value: what was
 * asked is its keyed hash (the same person asked again has the same hash), what was found or
 * erased is SessionIds, push types and counts.
 */
export interface AuditEntry {
  readonly at: string;
  /** The AWS caller identity (ARN), or `local:<user>` against a DynamoDB Local. */
  readonly who: string;
  readonly command: 'erase' | 'retention' | 'privacy-index';
  readonly dryRun: boolean;
  /** erase: `phone`, `user` or `session`, and the keyed hash of the value. */
  readonly asked?: { readonly kind: string; readonly hash: string };
  /** erase: per session, per type, the current records and versions found (and erased unless a dry run). */
  readonly sessions?: ReadonlyArray<{
    readonly sessionId: string;
    readonly types: Readonly<Record<string, { current: number; versions: number }>>;
  }>;
  readonly sessionsOmitted?: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Set when the run stopped part way (its error, no personal value): what it lists may be partly erased. */
  readonly failed?: string;
}

export function auditDaysOf(env: NodeJS.ProcessEnv): number {
  return daysSetting('AUDIT_RETENTION_DAYS', (env.AUDIT_RETENTION_DAYS ?? '').trim() || String(DEFAULT_AUDIT_DAYS));
}

/** Appends an entry, bounded, expiring after `keepDays` (0: never). */
export async function appendAudit(
  client: DynamoDBClient,
  tableName: string,
  entry: AuditEntry,
  keepDays: number,
): Promise<void> {
  const sessions = entry.sessions ?? [];
  const bounded: AuditEntry = {
    ...entry,
    ...(entry.sessions && { sessions: sessions.slice(0, MAX_AUDITED_SESSIONS) }),
    ...(sessions.length > MAX_AUDITED_SESSIONS && { sessionsOmitted: sessions.length - MAX_AUDITED_SESSIONS }),
  };
  const expiresAt = keepDays === 0 ? undefined : Math.floor(Date.parse(entry.at) / 1000) + keepDays * DAY;
  await send('PutItem', () =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toAttributeMap({
          [PK]: AUDIT_PARTITION,
          [SK]: `${entry.at}#${randomUUID()}`,
          entry: bounded,
          [EXPIRES_AT_ATTRIBUTE]: expiresAt,
        }),
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SK },
      }),
    ),
  );
}

/** Every entry, oldest first. */
export async function readAudit(client: DynamoDBClient, tableName: string): Promise<AuditEntry[]> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': PK },
    ExpressionAttributeValues: { ':pk': { S: AUDIT_PARTITION } },
    ConsistentRead: true,
  });
  return items.map((item) => readItem<{ entry: AuditEntry }>(item).entry);
}
