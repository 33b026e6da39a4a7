import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { send } from '../aws/dynamodb';
import { RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from './item-layout';

/** Which version of a record is current: one strongly consistent GetItem of its key, reading the versionId only. */
export class DynamoDbCurrentVersions {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async currentVersion(sessionId: string, recordKey: string): Promise<string | undefined> {
    const { Item } = await send('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [SESSION_ID_ATTRIBUTE]: { S: sessionId }, [RECORD_KEY_ATTRIBUTE]: { S: recordKey } },
          ConsistentRead: true,
          ProjectionExpression: '#receipt.versionId',
          ExpressionAttributeNames: { '#receipt': 'receipt' },
        }),
      ),
    );
    return Item?.receipt?.M?.versionId?.S;
  }
}
