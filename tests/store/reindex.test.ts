import { spawn } from 'node:child_process';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createAggregateHandler } from '../../handler/functions/aggregate';
import { createReadHandler } from '../../handler/functions/read';
import { createReportHandler } from '../../handler/functions/reports';
import { DynamoDbSessionQuery } from '../../handler/query/dynamodb-session-query';
import { DynamoDbCurrentVersions } from '../../handler/records/dynamodb-current-versions';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { StreamPoller } from '../../scripts/stream-poller';
import { httpApiEvent, sampleOf } from '../support/events';
import { saveWithoutIndexes } from '../support/stored-before';

const client = createDynamoDbClient();
const table = process.env.REPORTS_CDR_TABLE_NAME as string;
const records = new DynamoDbRecordStore(client, table);
const reports = new DynamoDbReportStore(client, process.env.REPORTS_REPORT_TABLE_NAME as string);
const read = createReadHandler({ store: records, sessions: new DynamoDbSessionQuery(client, table) });
const report = createReportHandler({ reports });

// 2034-02-01T00:00Z: a day of its own.
const DAY = 2_022_192_000;
const range = { from: String(DAY), to: String(DAY + 86_400) };

/** `npm run reindex` as the README shows it, pointed at the test's DynamoDB Local and tables. */
function reindex(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npm',
      ['run', 'reindex', '--', '--stage', 'reports', '--endpoint', process.env.AWS_ENDPOINT_URL_DYNAMODB as string],
      {
        cwd: path.join(__dirname, '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(output))));
  });
}

describe('npm run reindex: records stored before the indexes', () => {
  it('gives them their index keys, after which queries find them and the stream counts them; once', async () => {
    const old = sampleOf('cdr', { StartTimestamp: DAY + 100, AcceptTimestamp: DAY + 130, EndedTimestamp: DAY + 400 });
    await saveWithoutIndexes(records, old);
    const query = async () =>
      JSON.parse((await read(httpApiEvent({ method: 'GET', path: '/sessions', query: range, headers: {} }))).body);
    expect((await query()).items).toEqual([]);

    expect(await reindex()).toMatch(/: [1-9]\d* record\(s\) indexed/);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { SessionId: { S: old.SessionId }, recordKey: { S: `R#cdr#${old.SdkAppId}` } },
      }),
    );
    const item = Item && unmarshall(Item);
    expect(item?.qSort).toMatch(/^0000002022192400#/);
    expect((await query()).items.map((found: { record: unknown }) => found.record)).toEqual([old]);
    expect(await reindex()).toMatch(/: 0 record\(s\) indexed/);

    await new StreamPoller(
      client,
      table,
      createAggregateHandler({ reports, versions: new DynamoDbCurrentVersions(client, table) }),
    ).pollOnce();
    const summary = JSON.parse(
      (
        await report(
          httpApiEvent({ method: 'GET', path: '/reports/summary', query: { ...range, groupBy: 'day' }, headers: {} }),
        )
      ).body,
    );
    expect(summary.totals).toMatchObject({ sessions: 1, answered: 1, avgWaitSeconds: 30, avgHandleSeconds: 270 });
  }, 120_000);
});
