import { rmSync } from 'node:fs';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createAggregateHandler } from '../../handler/functions/aggregate';
import { createLookupHandler } from '../../handler/functions/lookup';
import { createPushHandler } from '../../handler/functions/push';
import { appendAudit, readAudit } from '../../handler/privacy/audit-trail';
import { recountErasedDays } from '../../handler/privacy/erased-reports';
import { Erasure } from '../../handler/privacy/erasure';
import { indexLookups } from '../../handler/privacy/index-lookups';
import { restamp } from '../../handler/privacy/restamp';
import { PUSH_TYPES } from '../../handler/push-types/push-registry';
import { DynamoDbCurrentRecords } from '../../handler/query/dynamodb-current-records';
import { DynamoDbCurrentVersions } from '../../handler/records/dynamodb-current-versions';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { retentionPolicyOf } from '../../handler/records/retention';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { StreamPoller } from '../../scripts/stream-poller';
import { pushEvent, sampleOf } from '../support/events';
import { offlineEnv, type Packaged, resourcesOfType, slsPackage, type Template } from '../support/serverless-package';

/**
 * Personal data in the packaged template (issue 14): retention as DynamoDB TTL, with its
 * settings checked at package time; the privacy table; the person lookup's stream consumer, its
 * role, dead-letter queue and alarms; and the managed policy of the operators who erase.
 */
const RETENTION = /^(AUDIT_)?RETENTION_DAYS/;
/** The shell's own retention settings left out, `extra` put in. */
const env = (extra: NodeJS.ProcessEnv) => {
  const base = offlineEnv({ TCCC_AUTH: 'basic', ALARM_EMAIL: 'oncall@example.com' });
  for (const name of Object.keys(base)) {
    if (RETENTION.test(name) || ['ALARM_TOPIC_ARN', 'INDEX_UPGRADE_STEP'].includes(name)) delete base[name];
  }
  return { ...base, ...extra };
};

let packaged: Packaged;
let template: Template;
beforeAll(async () => {
  packaged = await slsPackage(
    env({
      RETENTION_DAYS: '30',
      RETENTION_DAYS_CDR: '400',
      AUDIT_RETENTION_DAYS: '365',
      TCCC_SDK_APP_IDS: '1400000001',
    }),
    'privacy',
  );
  template = packaged.template;
}, 180_000);
afterAll(() => {
  if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

const resource = (id: string) => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const statementsOf = (role: string): any[] =>
  resource(role).Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const KEY = 'operator-policy-test-hash-key-of-32-characters';
/** Granted for the recount's other path, which the erasure below does not take: a contribution found missing and written. */
const UNEXERCISED = ['dynamodb:PutItem ReportTable'];
const HASH_KEY = {
  'Fn::Sub':
    'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/privacy-hash-key',
};

describe('retention in the packaged template', () => {
  it('expires the record and privacy tables’ items by TTL on expiresAt', () => {
    for (const table of ['CdrTable', 'PrivacyTable']) {
      expect(resource(table).Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    }
  });

  it('gives every function RETENTION_DAYS and RETENTION_DAYS_<TYPE> as one checked value', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    // The reconcile stores records too: it is in this package (TCCC_SDK_APP_IDS).
    expect(functions.map(([id]) => id)).toEqual(
      expect.arrayContaining(['PushLambdaFunction', 'ReconcileLambdaFunction']),
    );
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ RETENTION_DAYS: '30,CDR=400' });
      // The operator's commands read their own shell's: no function writes an audit entry.
      expect(fn.Properties.Environment.Variables.AUDIT_RETENTION_DAYS).toBeUndefined();
    }
  });

  it('keeps forever when nothing is set', async () => {
    const defaults = await slsPackage(env({}), 'privacy-defaults');
    try {
      const variables = defaults.template.Resources.PushLambdaFunction?.Properties.Environment.Variables;
      expect(variables).toMatchObject({ RETENTION_DAYS: '0' });
    } finally {
      rmSync(defaults.dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to package a push type that does not exist or days out of range, naming the variable', async () => {
    for (const [values, message] of [
      [
        { RETENTION_DAYS_CDRS: '30' },
        'RETENTION_DAYS_CDRS names no push type (CDR, RECORD, VOICEMAIL, IMCDR, VIDEOCDR)',
      ],
      [{ RETENTION_DAYS: '36501' }, 'RETENTION_DAYS=36501 is not a whole number of days from 0 to 36500'],
      [{ RETENTION_DAYS_RECORD: '90d' }, 'RETENTION_DAYS_RECORD=90d is not a whole number of days'],
    ] as const) {
      await expect(slsPackage(env(values), 'privacy-refused')).rejects.toThrow(message);
    }
  }, 240_000);
});

describe('the privacy table', () => {
  it('is kept like the records: retained, point-in-time recovery, KMS, deletion-protected', () => {
    const table = resource('PrivacyTable');
    expect(table).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      TableName: 'tccc-cdr-receiver-ci-privacy',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      DeletionProtectionEnabled: true,
    });
  });
});

describe('the person lookup’s stream consumer', () => {
  it('reads every item of the record table’s stream, unfiltered, bisecting failures into its dead-letter queue', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, mapping]) => mapping.Properties)
      .filter(
        (properties) => JSON.stringify(properties.FunctionName) === JSON.stringify(getAtt('LookupLambdaFunction')),
      );
    expect(mappings).toEqual([
      {
        BatchSize: 100,
        Enabled: true,
        EventSourceArn: getAtt('CdrTable', 'StreamArn'),
        FunctionName: getAtt('LookupLambdaFunction'),
        StartingPosition: 'TRIM_HORIZON',
        MaximumBatchingWindowInSeconds: 5,
        MaximumRetryAttempts: 10,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: getAtt('LookupDeadLetterQueue') } },
      },
    ]);
    // The stream carries NEW_AND_OLD_IMAGES: a removal still shows which lookup items to drop.
    expect(resource('CdrTable').Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(resource('LookupLambdaFunction').Properties).toMatchObject({
      Handler: 'handler/functions/lookup.handler',
      Role: getAtt('LookupRole'),
    });
  });

  it('may only read the stream, batch-write the privacy table, read the hash key and dead-letter', () => {
    expect(statementsOf('LookupRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt('LookupLogGroup'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        Resource: getAtt('CdrTable', 'StreamArn'),
      },
      { Effect: 'Allow', Action: ['dynamodb:BatchWriteItem'], Resource: getAtt('PrivacyTable') },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: HASH_KEY },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: getAtt('LookupDeadLetterQueue') },
    ]);
  });

  it('is the only function role that touches the privacy table or the hash key: the push path never does', () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role').filter(([id]) => id !== 'LookupRole');
    expect(roles.map(([id]) => id)).toEqual(expect.arrayContaining(['PushRole', 'ReconcileRole', 'AggregateRole']));
    for (const [id, role] of roles) {
      expect({ id, policies: JSON.stringify(role.Properties.Policies ?? []) }).toEqual({
        id,
        policies: expect.not.stringMatching(/PrivacyTable|privacy-hash-key/),
      });
    }
  });

  it('keeps its dead-letter queue encrypted, over TLS only, for 14 days, and its log group on remove', () => {
    expect(resource('LookupDeadLetterQueue').Properties).toMatchObject({
      QueueName: 'tccc-cdr-receiver-ci-lookup-dlq',
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    expect(resource('LookupDeadLetterQueuePolicy').Properties).toMatchObject({
      Queues: [{ Ref: 'LookupDeadLetterQueue' }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: getAtt('LookupDeadLetterQueue'),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
    expect(resource('LookupLogGroup')).toMatchObject({
      DeletionPolicy: 'RetainExceptOnCreate',
      Properties: { RetentionInDays: 90 },
    });
  });

  it('alarms the topic on dead-lettered batches, on errors and on lag, pointing to the privacy runbook', () => {
    const functionName = resource('LookupLambdaFunction').Properties.FunctionName;
    const expected = {
      LookupDeadLetterAlarm: {
        AlarmName: 'tccc-cdr-receiver-ci-lookup-failed-batches',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('LookupDeadLetterQueue', 'QueueName') }],
        Threshold: 0,
      },
      LookupErrorsAlarm: {
        AlarmName: 'tccc-cdr-receiver-ci-lookup-errors',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: functionName }],
        Threshold: 0,
      },
      LookupLagAlarm: {
        AlarmName: 'tccc-cdr-receiver-ci-lookup-lag',
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: functionName }],
        // AGGREGATE_LAG_ALARM_MINUTES, 10 by default: one setting for both stream consumers.
        Threshold: resource('AggregateLagAlarm').Properties.Threshold,
      },
    };
    for (const [id, properties] of Object.entries(expected)) {
      expect(resource(id).Properties).toMatchObject({
        ...properties,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        AlarmDescription: expect.stringContaining('docs/privacy.md, Runbook'),
      });
    }
    expect(functionName).toBe('tccc-cdr-receiver-ci-lookup');
  });
});

describe('the privacy operators’ managed policy', () => {
  it('is a named managed policy; beside DynamoDB (checked against the commands below) it reads the hash key alone', () => {
    const policy = resource('PrivacyOperatorPolicy');
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy.Properties.ManagedPolicyName).toBe('tccc-cdr-receiver-ci-privacy-operator');
    expect(policy.Properties.Description).toMatch(/npm run erase, npm run retention and npm run privacy-index/);
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>;
    expect(
      statements.filter((statement) => !statement.Action.every((action) => action.startsWith('dynamodb:'))),
    ).toEqual([{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: HASH_KEY }]);
    // The index the policy names is one the record table has.
    expect(
      resource('CdrTable').Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName),
    ).toContain('bySeat');
  });

  it('is a stack output, for attaching to the operators', () => {
    const outputs = (template as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(outputs.PrivacyOperatorPolicyArn?.Value).toEqual({ Ref: 'PrivacyOperatorPolicy' });
  });
});

describe('the operator policy allows exactly what npm run erase, retention and privacy-index do', () => {
  /** `dynamodb:<Operation>` on `<logical id>[/index/<name>]`, as the SDK sent it. */
  const calls = new Set<string>();
  let tables: Record<string, string>;

  beforeAll(async () => {
    tables = JSON.parse(process.env.OPERATOR_TEST_TABLES as string);
    const plain = createDynamoDbClient();
    const store = new DynamoDbRecordStore(plain, tables.CdrTable as string);
    const push = createPushHandler({
      store,
      quarantine: new DynamoDbQuarantineStore(plain, tables.QuarantineTable as string),
      loadAuth: async () => ({ mode: 'none' }) as never,
    });
    const caller = '008613700000077';
    const cdr = sampleOf('cdr', { Caller: caller });
    for (const [action, record] of [
      ['cdr', cdr],
      ['cdr', { ...cdr, EndedTimestamp: (cdr.EndedTimestamp as number) + 10 }],
      ['record', sampleOf('record-caller', { SessionId: cdr.SessionId, EndpointUser: caller })],
      ['imcdr', sampleOf('imcdr')],
      ['cdr', { ...cdr, SdkAppId: 'refused, kept in quarantine' }],
    ] as const) {
      await push(pushEvent(record, { query: { action, version: '1' } }));
    }
    const lookup = createLookupHandler({
      client: plain,
      privacyTable: tables.PrivacyTable as string,
      hashKey: async () => KEY,
    });
    // The reports count them too (their day is long closed: rolled up), so that the recount has figures to take back.
    const aggregate = createAggregateHandler({
      reports: new DynamoDbReportStore(plain, tables.ReportTable as string),
      versions: new DynamoDbCurrentVersions(plain, tables.CdrTable as string),
    });
    await new StreamPoller(plain, tables.CdrTable as string, lookup, 100).pollOnce();
    await new StreamPoller(plain, tables.CdrTable as string, aggregate, 100).pollOnce();

    // The operator's client, every request noted.
    const byName = new Map(Object.entries(tables).map(([id, name]) => [name, id]));
    const client = createDynamoDbClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string; IndexName?: string; RequestItems?: Record<string, unknown> };
        for (const table of input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {})) {
          const operation = String(context.commandName).replace(/Command$/, '');
          calls.add(`dynamodb:${operation} ${byName.get(table)}${input.IndexName ? `/index/${input.IndexName}` : ''}`);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const erasure = new Erasure(
      {
        client,
        records: tables.CdrTable as string,
        quarantine: tables.QuarantineTable as string,
        privacy: tables.PrivacyTable as string,
      },
      KEY,
    );
    await erasure.plan({ kind: 'user', value: 'agent1@example.com' });
    const plan = await erasure.plan({ kind: 'phone', value: caller });
    expect(plan.sessions).toHaveLength(1);
    expect(plan.quarantineIds).toHaveLength(1);
    const erased = await erasure.erase(plan);
    await recountErasedDays(
      {
        reports: new DynamoDbReportStore(client, tables.ReportTable as string),
        records: new DynamoDbCurrentRecords(client, tables.CdrTable as string),
        versions: new DynamoDbCurrentVersions(client, tables.CdrTable as string),
        now: () => Date.now() / 1000,
      },
      erased,
    );
    const actions = PUSH_TYPES.map((type) => type.action);
    await restamp(
      client,
      { records: tables.CdrTable as string, privacy: tables.PrivacyTable as string },
      retentionPolicyOf({ RETENTION_DAYS: '30' }, actions),
      true,
    );
    await indexLookups(client, { records: tables.CdrTable as string, privacy: tables.PrivacyTable as string }, KEY);
    const entry = {
      at: new Date().toISOString(),
      who: 'local:test',
      command: 'erase' as const,
      dryRun: false,
      counts: {},
    };
    await appendAudit(client, tables.PrivacyTable as string, entry, 1095);
    await readAudit(client, tables.PrivacyTable as string);
  }, 120_000);

  it("allows every DynamoDB request the commands made, on the stage's own tables and indexes only", () => {
    const allowed = new Set<string>();
    for (const statement of resource('PrivacyOperatorPolicy').Properties.PolicyDocument.Statement) {
      for (const target of [statement.Resource].flat()) {
        const table =
          target['Fn::GetAtt']?.[0] ??
          `${target['Fn::Join']?.[1]?.[0]?.['Fn::GetAtt']?.[0]}${target['Fn::Join']?.[1]?.[1]}`;
        for (const action of [statement.Action].flat())
          if (action.startsWith('dynamodb:')) allowed.add(`${action} ${table}`);
      }
    }
    expect([...calls].filter((call) => !allowed.has(call))).toEqual([]);
    // And nothing else: each grant is a call they make.
    expect([...allowed].filter((grant) => !calls.has(grant)).sort()).toEqual(UNEXERCISED);
  });
});
