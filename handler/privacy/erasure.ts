import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { batchWrite, type Item, queryAll, readItem, scanPages, send } from '../aws/dynamodb';
import { PUSH_TYPES, pushTypeOf } from '../push-types/push-registry';
import { QUERY_ATTRIBUTE, QUERY_INDEX, seatPartitionKey } from '../query/query-index';
import {
  currentKeyPrefix,
  ERASED_AT_ATTRIBUTE,
  isTombstone,
  RECORD_KEY_ATTRIBUTE,
  SESSION_ID_ATTRIBUTE,
  versionKeyPrefix,
} from '../records/item-layout';
import type { QuarantinedPush } from '../records/quarantine';
import { canonicalIdentifier, isPhone } from './identifiers';
import { deleteLookup, identifierHash, lookupPartitions, PK } from './privacy-layout';
import { quarantinedNames } from './quarantined-names';
import { LookupWrites, lookupIdentifiersOf, lookupItemsOf } from './record-lookups';

/** Who or what to erase, as the operator asked. */
export type Subject = { kind: 'phone' | 'user' | 'session'; value: string };

export interface ErasureTables {
  readonly client: DynamoDBClient;
  readonly records: string;
  readonly quarantine: string;
  readonly privacy: string;
}

/** What one session holds: per push type, its current records and older versions. */
export interface SessionFinding {
  readonly sessionId: string;
  readonly types: Record<string, { current: number; versions: number }>;
  /** Records of it erased before: their tombstones stay. */
  readonly alreadyErased: number;
}

export interface ErasurePlan {
  /** The keyed hash of what was asked (never the value itself): what the audit trail keeps. */
  readonly askedHash: string;
  readonly sessions: readonly SessionFinding[];
  /** Ids of the quarantine entries that name the person or one of the sessions. */
  readonly quarantineIds: readonly string[];
}

/** A session-level record erased, by type and end (Unix seconds): the reports' figures to recount. */
export interface ErasedRecord {
  readonly action: string;
  readonly ordering: number;
}

/** The canonical identifier asked for; refuses a --phone that reads as no phone number. */
export function canonicalSubject(subject: Subject): string {
  if (subject.kind === 'session') {
    if (subject.value.length === 0) throw new Error('--session is empty');
    return `session:${subject.value}`;
  }
  const canonical = canonicalIdentifier(subject.value);
  if (canonical === undefined) throw new Error(`--${subject.kind} is shorter than 3 or longer than 128 characters`);
  if (subject.kind === 'phone' && !isPhone(canonical)) {
    throw new Error('--phone is not a phone number (digits, optionally +86 or 0086 first)');
  }
  return canonical;
}

const SEAT_ACTIONS = PUSH_TYPES.filter((type) => type.sessionLevel).map((type) => type.action);

function findingOf(sessionId: string, items: readonly Item[]): SessionFinding {
  const types: Record<string, { current: number; versions: number }> = {};
  let alreadyErased = 0;
  for (const item of items) {
    if (isTombstone(item)) {
      alreadyErased++;
      continue;
    }
    const action = item.action?.S ?? '?';
    types[action] ??= { current: 0, versions: 0 };
    if (item[RECORD_KEY_ATTRIBUTE]?.S?.startsWith(currentKeyPrefix())) types[action].current++;
    else types[action].versions++;
  }
  return { sessionId, types, alreadyErased };
}

/**
 * Finds and erases one person's records everywhere (docs/privacy.md): every record of each
 * session the person appears in, of every type, current and older versions; their lookup
 * items; the quarantine entries that name the person or one of those sessions. Found without
 * scanning the record table: the lookup (LOOKUP_SHARDS queries of the identifier's keyed hash)
 * and, for an agent's user id, the `bySeat` index. The quarantine (short-lived, small) is scanned.
 */
export class Erasure {
  constructor(
    private readonly tables: ErasureTables,
    private readonly key: string,
  ) {}

  async plan(subject: Subject): Promise<ErasurePlan> {
    const canonical = canonicalSubject(subject);
    const askedHash = identifierHash(this.key, canonical);
    const sessionIds =
      subject.kind === 'session' ? new Set([subject.value]) : await this.sessionsOf(subject, askedHash);
    const sessions: SessionFinding[] = [];
    for (const sessionId of [...sessionIds].sort()) {
      sessions.push(findingOf(sessionId, await this.sessionItems(sessionId)));
    }
    const quarantineIds = await this.quarantined(subject.kind === 'session' ? undefined : canonical, sessionIds);
    return {
      askedHash,
      sessions: sessions.filter((s) => s.alreadyErased + Object.keys(s.types).length > 0 || subject.kind === 'session'),
      quarantineIds,
    };
  }

  /**
   * Erases what `plan` found: each current record becomes its tombstone, older versions and lookup
   * items are deleted, then the quarantine entries. Answers the session-level records erased, so
   * that their days' report figures can be recounted.
   */
  async erase(plan: ErasurePlan, now: Date = new Date()): Promise<ErasedRecord[]> {
    const lookups = new LookupWrites();
    const erased: ErasedRecord[] = [];
    for (const { sessionId } of plan.sessions) {
      let items = await this.sessionItems(sessionId);
      // A push racing the erasure may have added a version: a second look takes it too.
      for (let pass = 0; pass < 2 && items.some((item) => !isTombstone(item)); pass++) {
        for (const item of items.filter((found) => !isTombstone(found))) {
          lookups.add(lookupItemsOf(item, await lookupIdentifiersOf(item, true), this.key).map(deleteLookup));
          await this.eraseItem(item, now);
          const { action, ordering } = readItem<{ action: string; ordering?: number }>(item);
          const current = item[RECORD_KEY_ATTRIBUTE]?.S?.startsWith(currentKeyPrefix());
          if (current && pushTypeOf(action)?.sessionLevel && typeof ordering === 'number') {
            erased.push({ action, ordering });
          }
        }
        items = await this.sessionItems(sessionId);
      }
    }
    await batchWrite(this.tables.client, this.tables.privacy, lookups.requests);
    for (const id of plan.quarantineIds) {
      await send('DeleteItem', () =>
        this.tables.client.send(new DeleteItemCommand({ TableName: this.tables.quarantine, Key: { id: { S: id } } })),
      );
    }
    return erased;
  }

  /** The sessions the lookup and the `bySeat` index name for the person. */
  private async sessionsOf(subject: Subject, hash: string): Promise<Set<string>> {
    const queries = lookupPartitions(hash).map((partition) =>
      queryAll(this.tables.client, {
        TableName: this.tables.privacy,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK, '#session': SESSION_ID_ATTRIBUTE },
        ExpressionAttributeValues: { ':pk': { S: partition } },
        ProjectionExpression: '#session',
        ConsistentRead: true,
      }),
    );
    // A current record's agent is found through the index (record-lookups.ts), by the id as stored.
    const seat = subject.value.trim();
    const seats = SEAT_ACTIONS.map((action) =>
      queryAll(this.tables.client, {
        TableName: this.tables.records,
        IndexName: QUERY_INDEX.bySeat,
        KeyConditionExpression: '#seat = :seat',
        ExpressionAttributeNames: { '#seat': QUERY_ATTRIBUTE.seatPartition, '#session': SESSION_ID_ATTRIBUTE },
        ExpressionAttributeValues: { ':seat': { S: seatPartitionKey(action, seat) } },
        ProjectionExpression: '#session',
      }),
    );
    const found = (await Promise.all([...queries, ...seats])).flat();
    return new Set(found.map((item) => item[SESSION_ID_ATTRIBUTE]?.S).filter((id): id is string => id !== undefined));
  }

  /** A current record becomes its tombstone (one write: no record, no index keys, no expiry); a version is deleted. */
  private async eraseItem(item: Item, now: Date): Promise<void> {
    const key = {
      [SESSION_ID_ATTRIBUTE]: item[SESSION_ID_ATTRIBUTE],
      [RECORD_KEY_ATTRIBUTE]: item[RECORD_KEY_ATTRIBUTE],
    } as Item;
    if (item[RECORD_KEY_ATTRIBUTE]?.S?.startsWith(versionKeyPrefix())) {
      await send('DeleteItem', () =>
        this.tables.client.send(new DeleteItemCommand({ TableName: this.tables.records, Key: key })),
      );
      return;
    }
    await send('PutItem', () =>
      this.tables.client.send(
        new PutItemCommand({
          TableName: this.tables.records,
          Item: { ...key, action: item.action as Item[string], [ERASED_AT_ATTRIBUTE]: { S: now.toISOString() } },
        }),
      ),
    );
  }

  private async sessionItems(sessionId: string): Promise<Item[]> {
    return queryAll(this.tables.client, {
      TableName: this.tables.records,
      KeyConditionExpression: '#session = :session',
      ExpressionAttributeNames: { '#session': SESSION_ID_ATTRIBUTE },
      ExpressionAttributeValues: { ':session': { S: sessionId } },
      ConsistentRead: true,
    });
  }

  /** Quarantine entries whose body names the person or one of the sessions. */
  private async quarantined(canonical: string | undefined, sessionIds: ReadonlySet<string>): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of scanPages(this.tables.client, { TableName: this.tables.quarantine })) {
      for (const item of page) {
        const entry = readItem<QuarantinedPush>(item);
        const names = quarantinedNames(entry.body);
        const person = canonical !== undefined && names.identifiers.has(canonical);
        if (person || (names.sessionId !== undefined && sessionIds.has(names.sessionId))) ids.push(entry.id);
      }
    }
    return ids.sort();
  }
}
