import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Item, readItem, scanPages, send } from '../aws/dynamodb';
import type { HttpRequest } from '../http/http-request';
import type { RecordStore } from '../records/record-store';
import { replayPush } from './replay';

/**
 * The first layout (until issue 7): video CDRs only, the record's fields at the top level
 * beside `receipt`, sort key `CURRENT` for the current version and
 * `VERSION#<EndedTimestamp>#<versionId>` for every version.
 */
const LEGACY_CURRENT = 'CURRENT';
const LEGACY_VERSION_PREFIX = 'VERSION#';

export interface MigrationReport {
  readonly sessions: number;
  readonly versions: number;
  readonly removedItems: number;
  /** Sessions left in the legacy layout, with why: fix and run again. */
  readonly refused: ReadonlyArray<{ sessionId: string; reason: string }>;
}

async function legacyItemsBySession(client: DynamoDBClient, tableName: string): Promise<Map<string, Item[]>> {
  const sessions = new Map<string, Item[]>();
  const pages = scanPages(client, {
    TableName: tableName,
    FilterExpression: '#key = :current OR begins_with(#key, :version)',
    ExpressionAttributeNames: { '#key': 'recordKey' },
    ExpressionAttributeValues: { ':current': { S: LEGACY_CURRENT }, ':version': { S: LEGACY_VERSION_PREFIX } },
  });
  for await (const page of pages) {
    for (const item of page) {
      const sessionId = item.SessionId?.S as string;
      sessions.set(sessionId, [...(sessions.get(sessionId) ?? []), item]);
    }
  }
  return sessions;
}

/** A legacy item as the push it was, so that today's decoding places it exactly as a new push. */
function asPush(item: Item): { request: HttpRequest; receipt: Record<string, string> } {
  const { recordKey: _key, receipt, ...record } = readItem<Record<string, any>>(item);
  return {
    receipt,
    request: {
      method: 'POST',
      path: '/',
      route: 'POST /',
      headers: { 'content-type': 'application/json' },
      query: { action: receipt.action ?? 'videoCdr', version: receipt.version ?? '1' },
      pathParameters: {},
      body: JSON.stringify(record),
      isBase64Encoded: false,
      requestId: receipt.requestId,
    },
  };
}

/**
 * Moves every record of the legacy layout into today's: each version is stored again,
 * with its original receipt, through today's decoding and store (so the current version
 * is chosen by today's rule, the same as then), and the legacy items are removed only
 * once all of a session's versions are stored. Idempotent: run it again after a failure.
 */
export async function migrateLegacyLayout(
  client: DynamoDBClient,
  tableName: string,
  store: RecordStore,
): Promise<MigrationReport> {
  const sessions = await legacyItemsBySession(client, tableName);
  let versions = 0;
  let removedItems = 0;
  const refused: Array<{ sessionId: string; reason: string }> = [];
  for (const [sessionId, items] of sessions) {
    // The versions hold every distinct record, the current one included; CURRENT alone covers a partial write.
    const versionItems = items.filter((item) => item.recordKey?.S !== LEGACY_CURRENT);
    const toStore = versionItems.length > 0 ? versionItems : items;
    let failure: string | undefined;
    for (const item of toStore) {
      const { request, receipt } = asPush(item);
      const result = await replayPush(
        request,
        { receivedAt: receipt.receivedAt as string, requestId: request.requestId, pushId: receipt.pushId },
        store,
      );
      if ('refused' in result) {
        failure = result.refused;
        break;
      }
      versions++;
    }
    if (failure) {
      refused.push({ sessionId, reason: failure });
      continue;
    }
    for (const item of items) {
      await send('DeleteItem', () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { SessionId: item.SessionId as Item[string], recordKey: item.recordKey as Item[string] },
          }),
        ),
      );
      removedItems++;
    }
  }
  return { sessions: sessions.size, versions, removedItems, refused };
}
