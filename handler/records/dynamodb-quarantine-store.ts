import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '../aws/attribute-values';
import { readItem, scanPages, send } from '../aws/dynamodb';
import type { QuarantinedPush, QuarantineStore, QuarantineWriter } from './quarantine';

/** The quarantine table (infra/quarantine.yml), written: what the push function needs, and no read code. */
export class DynamoDbQuarantineWriter implements QuarantineWriter {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
  ) {}

  async put(entry: QuarantinedPush): Promise<void> {
    await send('PutItem', () =>
      this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toAttributeMap({ ...entry }) })),
    );
  }
}

/** The quarantine table, read and written (the operator's commands): partition key `id`, TTL on `expiresAt`. */
export class DynamoDbQuarantineStore extends DynamoDbQuarantineWriter implements QuarantineStore {
  async list(): Promise<QuarantinedPush[]> {
    const entries: QuarantinedPush[] = [];
    for await (const page of scanPages(this.client, { TableName: this.tableName })) {
      entries.push(...page.map((item) => readItem<QuarantinedPush>(item)));
    }
    return entries.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  async remove(id: string): Promise<void> {
    await send('DeleteItem', () =>
      this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { id: { S: id } } })),
    );
  }
}
