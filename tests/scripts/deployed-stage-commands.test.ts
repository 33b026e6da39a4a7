import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { loadAuthConfig } from '../../handler/auth/auth-config';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createPushHandler } from '../../handler/functions/push';
import { canonicalIdentifier } from '../../handler/privacy/identifiers';
import { identifierHash, lookupPartitions } from '../../handler/privacy/privacy-layout';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { pushEvent, sampleOf, sampleRecord } from '../support/events';
import { userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { ssmStandIn } from '../support/ssm-stand-in';
import { putLegacyLayoutItems, saveWithoutIndexes } from '../support/stored-before';
import { stsStandIn } from '../support/sts-stand-in';

/**
 * The README's commands for a deployed stage (`--stage prod --region ap-southeast-1`), run as
 * written in a shell. Nothing on their command line points them elsewhere: the environment
 * does, as it would for any AWS SDK program: AWS_ENDPOINT_URL_DYNAMODB (the SDK's own setting)
 * names the tests' DynamoDB Local, which holds the prod stage's tables (created by
 * tests/support/global-setup.mjs for this file alone), and the credentials are dummies.
 */
const RECORDS = 'tccc-cdr-receiver-prod-cdrs';
const QUARANTINE = 'tccc-cdr-receiver-prod-quarantine';
const PRIVACY = 'tccc-cdr-receiver-prod-privacy';
const client = createDynamoDbClient();

/** The operator's shell: AWS credentials, no profile, no region but the one on the command line. */
const operatorEnv = () => {
  const { AWS_PROFILE: _profile, AWS_REGION: _region, AWS_DEFAULT_REGION: _default, ...env } = userEnv({});
  return {
    ...env,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    NO_COLOR: '1',
  };
};
const run = (command: string) => runDocumented(command, operatorEnv());

async function currentItem(sessionId: string, recordKey: string) {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: RECORDS,
      Key: { SessionId: { S: sessionId }, recordKey: { S: recordKey } },
      ConsistentRead: true,
    }),
  );
  return Item && unmarshall(Item);
}

async function recordKeysOf(sessionId: string): Promise<string[]> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: RECORDS,
      KeyConditionExpression: 'SessionId = :s',
      ExpressionAttributeValues: { ':s': { S: sessionId } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => item.recordKey?.S as string);
}

describe('the README’s commands for a deployed stage, run as written', () => {
  it('npm run reindex -- --stage prod --region ap-southeast-1: gives a record stored before the indexes its keys, once', async () => {
    const old = sampleOf('cdr', { StartTimestamp: 2_022_192_100, EndedTimestamp: 2_022_192_400 });
    await saveWithoutIndexes(new DynamoDbRecordStore(client, RECORDS), old);
    const key = `R#cdr#${old.SdkAppId}`;
    expect((await currentItem(old.SessionId, key))?.qSort).toBeUndefined();

    const command = documented('npm run reindex -- --stage prod --region ap-southeast-1');
    const first = await run(command);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`reindex ${RECORDS}: 1 record(s) indexed, 0 replaced meanwhile (already indexed)`);
    const item = await currentItem(old.SessionId, key);
    expect(item?.qSort).toMatch(/^0000002022192400#/);
    expect(item?.record).toEqual(old);

    const again = await run(command);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`reindex ${RECORDS}: 0 record(s) indexed`);
  }, 120_000);

  it('npm run migrate -- --stage <stage> --region <region>: moves the first layout’s records, then finds none', async () => {
    const ids = await putLegacyLayoutItems(client, RECORDS);
    const multi = ids.get('legacy-multi') as string;
    expect((await recordKeysOf(multi)).filter((key) => key === 'CURRENT' || key.startsWith('VERSION#'))).toHaveLength(
      4,
    );

    const command = documented('npm run migrate -- --stage <stage> --region <region>')
      .replace('<stage>', 'prod')
      .replace('<region>', 'ap-southeast-1');
    const first = await run(command);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `migrate ${RECORDS}: 2 session(s), 4 version(s) stored, 6 legacy item(s) removed, 0 refused`,
    );
    const keys = await recordKeysOf(multi);
    expect(keys.filter((key) => key === 'CURRENT' || key.startsWith('VERSION#'))).toEqual([]);
    expect(keys.filter((key) => key.startsWith('R#videoCdr#'))).toHaveLength(1);
    expect(keys.filter((key) => key.startsWith('V#videoCdr#'))).toHaveLength(3);
    expect((await currentItem(multi, keys.find((key) => key.startsWith('R#')) as string))?.record).toMatchObject({
      SessionId: multi,
      EndedTimestamp: 1700000090,
    });

    const again = await run(command);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`migrate ${RECORDS}: 0 session(s)`);
  }, 120_000);

  it('npm run quarantine -- list --stage prod --region ap-southeast-1: lists what the stage’s receiver kept', async () => {
    const quarantine = new DynamoDbQuarantineStore(client, QUARANTINE);
    const push = createPushHandler({
      store: new DynamoDbRecordStore(client, RECORDS),
      quarantine,
      loadAuth: () => loadAuthConfig({ TCCC_AUTH: 'none' }),
    });
    const refused = await push(pushEvent(sampleRecord({ SdkAppId: 'not-a-number' })));
    expect(JSON.parse(refused.body).ErrCode).toBe(1002);
    const [entry] = await quarantine.list();

    const { code, stdout } = await run(documented('npm run quarantine -- list --stage prod --region ap-southeast-1'));
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith(`${entry?.id}  `))).toEqual([
      expect.stringMatching(
        / {2}ErrCode 1002 {2}\d+ B {2}action=videoCdr {2}schema violation: \/SdkAppId must be integer$/,
      ),
    ]);
    expect(lines.at(-1)).toBe('1 quarantined push(es)');
  }, 120_000);

  it('npm run recount -- … --stage prod --region ap-southeast-1: rebuilds the stage’s figures from its records', async () => {
    const reports = new DynamoDbReportStore(client, 'tccc-cdr-receiver-prod-reports');
    const push = createPushHandler({
      store: new DynamoDbRecordStore(client, RECORDS),
      quarantine: new DynamoDbQuarantineStore(client, QUARANTINE),
      loadAuth: () => loadAuthConfig({ TCCC_AUTH: 'none' }),
    });
    const day = Date.UTC(2026, 9, 5) / 1000;
    const body = sampleOf('cdr', { StartTimestamp: day + 100, AcceptTimestamp: day + 160, EndedTimestamp: day + 900 });
    expect(JSON.parse((await push(pushEvent(body, { query: { action: 'cdr', version: '1' } }))).body).ErrCode).toBe(0);
    // No stream consumer ran: the figures are missing until recounted.
    expect(await reports.dayStates('cdr', [day], true)).toEqual(new Map());

    const command = documented(
      'npm run recount -- --from 2026-10-05T00:00:00Z --to 2026-10-07T00:00:00Z --stage prod --region ap-southeast-1',
    );
    const { code, stdout } = await run(command);
    expect({ code, stdout }).toMatchObject({ code: 0 });
    expect(stdout).toContain(
      'recount cdr: 2 day(s), 1 record(s); 1 contribution(s) written, 0 removed; 1 day(s) rolled up',
    );
    const [contribution] = await reports.contributions('cdr', day, day + 86_400, true);
    expect(contribution?.contribution).toMatchObject({ end: day + 900, answered: true, wait: 60, handle: 740 });
    const state = (await reports.dayStates('cdr', [day], true)).get(day);
    expect(state?.rollup?.rev).toBe(state?.rev);
  }, 120_000);

  it('docs/privacy.md’s deployed lines: the stage’s hash key from SSM, the operator from STS; indexed, found, erased', async () => {
    const prodKey = 'prod-privacy-hash-key-of-at-least-32-characters';
    const ssm = ssmStandIn({ '/tccc-cdr-receiver/prod/privacy-hash-key': prodKey });
    const operator = 'arn:aws:iam::123456789012:user/privacy-operator';
    const sts = stsStandIn(operator);
    const env = {
      ...operatorEnv(),
      AWS_ENDPOINT_URL_SSM: await ssm.start(),
      AWS_ENDPOINT_URL_STS: await sts.start(),
    };
    const runDeployed = (command: string) => runDocumented(documented(command), env);
    try {
      const push = createPushHandler({
        store: new DynamoDbRecordStore(client, RECORDS),
        quarantine: new DynamoDbQuarantineStore(client, QUARANTINE),
        loadAuth: () => loadAuthConfig({ TCCC_AUTH: 'none' }),
      });
      const day = Date.UTC(2026, 10, 20) / 1000;
      const body = sampleOf('cdr', {
        Caller: '+86 139 1234 5678',
        StartTimestamp: day + 100,
        AcceptTimestamp: day + 160,
        EndedTimestamp: day + 900,
      });
      expect(JSON.parse((await push(pushEvent(body, { query: { action: 'cdr', version: '1' } }))).body).ErrCode).toBe(
        0,
      );
      const dryRun = 'npm run erase -- --phone 008613912345678 --dry-run --stage prod --region ap-southeast-1';

      // Stored with no lookup consumer running, as before the lookup existed: not found.
      const before = await runDeployed(dryRun);
      expect(before.code).toBe(0);
      expect(before.stdout).not.toContain(body.SessionId);

      const indexed = await runDeployed('npm run privacy-index -- --stage prod --region ap-southeast-1');
      expect(indexed.code).toBe(0);
      expect(indexed.stdout).toMatch(
        /^privacy-index: \d+ record item\(s\) read, [1-9]\d* lookup item\(s\) written, 0 record\(s\) changed meanwhile and written again, 0 still changing\n$/,
      );
      // Keyed by the stage's own key: its hash of the caller is a lookup partition.
      const hash = identifierHash(prodKey, canonicalIdentifier('008613912345678') as string);
      const partitions = await Promise.all(
        lookupPartitions(hash).map((pk) =>
          client.send(
            new QueryCommand({
              TableName: PRIVACY,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: pk } },
            }),
          ),
        ),
      );
      expect(partitions.flatMap((page) => page.Items ?? []).map((item) => item.SessionId?.S)).toEqual([body.SessionId]);

      const found = await runDeployed(dryRun);
      expect(found.code).toBe(0);
      expect(found.stdout).toContain(`${body.SessionId}  cdr  1 current, 0 older version(s)`);
      const erased = await runDeployed('npm run erase -- --phone 008613912345678 --stage prod --region ap-southeast-1');
      expect(erased.code).toBe(0);
      expect(erased.stdout).toContain('erased: 1 session(s), 1 record(s)');
      expect(Object.keys((await currentItem(body.SessionId, `R#cdr#${body.SdkAppId}`)) ?? {}).sort()).toEqual([
        'SessionId',
        'action',
        'erasedAt',
        'recordKey',
      ]);

      // The key read from the stage's SSM path, decrypted; the caller identity asked each run.
      expect(ssm.calls).toContainEqual({
        operation: 'GetParameter',
        names: ['/tccc-cdr-receiver/prod/privacy-hash-key'],
        decrypt: true,
      });
      expect(sts.calls.filter((call) => call === 'GetCallerIdentity')).toHaveLength(4);
      const audit = await runDocumented('npm run erase -- --audit --stage prod --region ap-southeast-1', env);
      const runs = audit.stdout.split('\n').filter((line) => /^\d{4}-/.test(line));
      expect(runs.map((line) => line.split('  ').slice(1, 3))).toEqual([
        [operator, 'erase (dry run)'],
        [operator, 'privacy-index'],
        [operator, 'erase (dry run)'],
        [operator, 'erase'],
      ]);
      expect(audit.stdout).not.toContain('13912345678');
    } finally {
      await ssm.stop();
      await sts.stop();
    }
  }, 180_000);
});
