import { type DynamoDBClient, UpdateItemCommand, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { type Item, scanPages, sendConditional } from '../aws/dynamodb';
import { EXPIRES_AT_ATTRIBUTE, isTombstone, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import { expiresAtOf, type RetentionPolicy } from '../records/retention';
import { LOOKUP_PREFIX, PK, RECEIVED_AT, SK } from './privacy-layout';

export interface RestampCounts {
  /** Items that hold personal data and follow the retention setting. */
  checked: number;
  /** Given an expiry, or another one. */
  stamped: number;
  /** Their expiry removed: their type is now kept forever. */
  cleared: number;
  /** Replaced or removed while the run went (what replaced it was stamped by its own write). */
  skipped: number;
}

const expiryUpdate = (expected: number | undefined) =>
  expected === undefined
    ? { UpdateExpression: 'REMOVE #expires' }
    : {
        UpdateExpression: 'SET #expires = :expires',
        ExpressionAttributeValues: { ':expires': { N: String(expected) } },
      };

/**
 * `npm run retention`: gives every record item (current and older versions) and every lookup item
 * the expiry today's setting asks for, counted from when its record was received; without
 * `apply`, only counts what would change. Tombstones and audit entries keep theirs, the
 * quarantine its own 30 days. Each update is conditional on the item still being the one read.
 */
export async function restamp(
  client: DynamoDBClient,
  tables: { records: string; privacy: string },
  policy: RetentionPolicy,
  apply: boolean,
): Promise<RestampCounts> {
  const counts: RestampCounts = { checked: 0, stamped: 0, cleared: 0, skipped: 0 };
  const update = async (item: Item, expected: number | undefined, input: UpdateItemCommandInput) => {
    counts.checked++;
    if (item[EXPIRES_AT_ATTRIBUTE]?.N === (expected === undefined ? undefined : String(expected))) return;
    if (apply && !(await sendConditional('UpdateItem', () => client.send(new UpdateItemCommand(input))))) {
      counts.skipped++;
      return;
    }
    if (expected === undefined) counts.cleared++;
    else counts.stamped++;
  };

  for await (const page of scanPages(client, { TableName: tables.records, ConsistentRead: true })) {
    for (const item of page) {
      const receivedAt = item.receipt?.M?.receivedAt?.S;
      const versionId = item.receipt?.M?.versionId?.S;
      if (isTombstone(item) || !item.action?.S || !receivedAt || !versionId) continue;
      const expected = expiresAtOf(policy, item.action.S, receivedAt);
      const change = expiryUpdate(expected);
      await update(item, expected, {
        TableName: tables.records,
        Key: {
          [SESSION_ID_ATTRIBUTE]: item[SESSION_ID_ATTRIBUTE],
          [RECORD_KEY_ATTRIBUTE]: item[RECORD_KEY_ATTRIBUTE],
        } as Item,
        ...change,
        // The item read, not one that replaced it since.
        ConditionExpression: '#receipt.#versionId = :seen',
        ExpressionAttributeNames: {
          '#expires': EXPIRES_AT_ATTRIBUTE,
          '#receipt': 'receipt',
          '#versionId': 'versionId',
        },
        ExpressionAttributeValues: { ...change.ExpressionAttributeValues, ':seen': { S: versionId } },
      });
    }
  }
  for await (const page of scanPages(client, { TableName: tables.privacy, ConsistentRead: true })) {
    for (const item of page) {
      const at = Number(item[RECEIVED_AT]?.N);
      if (!item[PK]?.S?.startsWith(LOOKUP_PREFIX) || !item.action?.S || !Number.isFinite(at)) continue;
      const expected = expiresAtOf(policy, item.action.S, new Date(at * 1000).toISOString());
      const change = expiryUpdate(expected);
      await update(item, expected, {
        TableName: tables.privacy,
        Key: { [PK]: item[PK], [SK]: item[SK] } as Item,
        ...change,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#expires': EXPIRES_AT_ATTRIBUTE, '#pk': PK },
      });
    }
  }
  return counts;
}
