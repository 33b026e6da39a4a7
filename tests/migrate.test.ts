import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { handler as read } from '../handler/functions/read';
import { rawItems, tableName } from './support/dynamodb';
import { readEvent } from './support/events';
import { legacyLayoutItems, putLegacyLayoutItems } from './support/stored-before';

const root = path.join(__dirname, '..');

/** `npm run migrate -- ...` against the tests' DynamoDB Local. */
function migrate(): string {
  const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string;
  return execFileSync(process.execPath, [tsx, 'scripts/migrate.ts', '--stage', 'test', '--endpoint', endpoint], {
    cwd: root,
    encoding: 'utf8',
  });
}

const client = new DynamoDBClient({});
const readJson = async (sessionId: string, suffix = '', base = '/sessions') =>
  JSON.parse((await read(readEvent(sessionId, suffix, base))).body);

describe('npm run migrate: records of the first layout move to today’s', () => {
  it('moves every version, keeps the current one current with its original receipt, and removes the legacy items', async () => {
    const ids = await putLegacyLayoutItems(client, tableName());
    const multi = ids.get('legacy-multi') as string;
    const legacyCurrent = unmarshall(
      legacyLayoutItems.find((item) => item.SessionId?.S === 'legacy-multi' && item.recordKey?.S === 'CURRENT') ?? {},
    );
    const { recordKey: _key, receipt: legacyReceipt, ...legacyRecord } = legacyCurrent;

    expect(migrate()).toMatch(/2 session\(s\), 4 version\(s\) stored, 6 legacy item\(s\) removed, 0 refused/);

    const current = await readJson(multi, '', '/cdrs');
    expect(current.record).toEqual({ ...legacyRecord, SessionId: multi });
    expect(current.receipt).toMatchObject({
      receivedAt: legacyReceipt.receivedAt,
      pushId: legacyReceipt.pushId,
      requestId: legacyReceipt.requestId,
    });
    const versions = await readJson(multi, '/versions');
    expect(versions.items.map((item: { record: { EndedTimestamp: number } }) => item.record.EndedTimestamp)).toEqual([
      1700000030, 1700000060, 1700000090,
    ]);
    expect(versions.items[0].receipt.unknownFields).toEqual(['/Extra']);
    const keys = (await rawItems(multi)).map((item) => item.recordKey?.S);
    expect(keys.filter((key) => key === 'CURRENT' || key?.startsWith('VERSION#'))).toEqual([]);
    expect((await readJson(ids.get('legacy-single') as string)).items).toHaveLength(1);

    // Idempotent: nothing left to move.
    expect(migrate()).toMatch(/0 session\(s\)/);
  });
});
