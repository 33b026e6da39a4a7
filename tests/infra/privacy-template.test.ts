import { rmSync } from 'node:fs';
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
  it('allows exactly what npm run erase and npm run retention call, on exact resources', () => {
    const policy = resource('PrivacyOperatorPolicy');
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy.Properties.ManagedPolicyName).toBe('tccc-cdr-receiver-ci-privacy-operator');
    expect(policy.Properties.Description).toMatch(/npm run erase and npm run retention/);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: getAtt('CdrTable'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Join': ['', [getAtt('CdrTable'), '/index/bySeat']] },
      },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: getAtt('PrivacyTable'),
      },
      { Effect: 'Allow', Action: ['dynamodb:Scan', 'dynamodb:DeleteItem'], Resource: getAtt('QuarantineTable') },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: HASH_KEY },
    ]);
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
