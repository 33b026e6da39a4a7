import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toAttributeMap } from '../aws/attribute-values';
import type { QuarantinedPush, QuarantineStore } from './quarantine';

/** The quarantine table (infra/quarantine.yml): partition key `id`, TTL on `expiresAt`. */
export class DynamoDbQuarantineStore implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(entry: QuarantinedPush): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toAttributeMap({ ...entry }) }));
  }

  async list(): Promise<QuarantinedPush[]> {
    const entries: QuarantinedPush[] = [];
    let startKey: ScanCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }));
      entries.push(...(page.Items ?? []).map((item) => unmarshall(item) as QuarantinedPush));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  async remove(id: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { id: { S: id } } }));
  }
}
