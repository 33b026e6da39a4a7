import { rmSync } from 'node:fs';
import { offlineEnv, type Packaged, resourcesOfType, slsPackage, type Template } from '../support/serverless-package';

/**
 * The scheduled reconcile in the packaged template: only with TCCC_SDK_APP_IDS; its schedule
 * (interval settable, hourly by default), a role allowed only what it calls, the SSM parameters
 * of the TCCC keys alone, and alarms that notify the alarm topic.
 */
let withReconcile: Packaged;
let without: Packaged;
beforeAll(async () => {
  const env = (extra: NodeJS.ProcessEnv) => {
    const base = offlineEnv({ TCCC_AUTH: 'basic', ALARM_EMAIL: 'oncall@example.com', ...extra });
    for (const name of [
      'TCCC_SDK_APP_IDS',
      'TCCC_PROTECTED_SDK_APP_IDS',
      'RECONCILE_INTERVAL_MINUTES',
      'RECONCILE_LOOKBACK_HOURS',
      'TCCC_API_HOST',
    ]) {
      if (!(name in extra)) delete base[name];
    }
    return base;
  };
  withReconcile = await slsPackage(
    env({
      TCCC_SDK_APP_IDS: '1400000001,1400000002',
      TCCC_PROTECTED_SDK_APP_IDS: '1400000002',
      RECONCILE_INTERVAL_MINUTES: '30',
      TCCC_API_HOST: 'ccc.intl.tencentcloudapi.com',
    }),
    'reconcile',
  );
  without = await slsPackage(env({}), 'no-reconcile');
}, 240_000);
afterAll(() => {
  for (const packaged of [withReconcile, without]) if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

const resource = (template: Template, id: string) => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const statements = (template: Template, role: string) =>
  resource(template, role).Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
const sub = (text: string) => ({ 'Fn::Sub': text });

describe('the scheduled reconcile in the packaged template', () => {
  it('exists only when TCCC_SDK_APP_IDS is set', () => {
    expect(Object.keys(without.template.Resources).filter((id) => /reconcile/i.test(id))).toEqual([]);
    expect(
      Object.keys(withReconcile.template.Resources)
        .filter((id) => /reconcile/i.test(id))
        .sort(),
    ).toEqual(
      [
        'ReconcileErrorAlarm',
        'ReconcileFailureAlarm',
        'ReconcileLambdaFunction',
        'ReconcileLambdaVersion',
        'ReconcileLogGroup',
        'ReconcileMissingAlarm',
        'ReconcileRole',
        'ReconcileSchedule',
        'ReconcileSchedulerRole',
      ]
        .sort()
        .map((id) => (id === 'ReconcileLambdaVersion' ? expect.stringMatching(/^ReconcileLambdaVersion/) : id)),
    );
  });

  it('runs on the schedule, with the settings in its environment and no secret', () => {
    const { template } = withReconcile;
    const fn = resource(template, 'ReconcileLambdaFunction').Properties;
    expect(fn.Handler).toBe('handler/functions/reconcile.handler');
    expect(fn.Timeout).toBe(900);
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Environment.Variables).toMatchObject({
      TCCC_SDK_APP_IDS: '1400000001,1400000002',
      TCCC_PROTECTED_SDK_APP_IDS: '1400000002',
      TCCC_API_HOST: 'ccc.intl.tencentcloudapi.com',
      RECONCILE_LOOKBACK_HOURS: '6',
      TCCC_SECRETS_PATH: '/tccc-cdr-receiver/ci/',
    });
    expect(JSON.stringify(fn.Environment.Variables)).not.toMatch(/SECRET_(ID|KEY)/);
    const schedule = resource(template, 'ReconcileSchedule').Properties;
    expect(schedule.ScheduleExpression).toBe('rate(30 minutes)');
    expect(schedule.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['ReconcileSchedulerRole', 'Arn'] },
    });
  });

  it('gives it a role allowed only what it calls: the index, BatchGetItem, PutItem, the alarm topic, its two SSM parameters', () => {
    const { template } = withReconcile;
    expect(resource(template, 'ReconcileLambdaFunction').Properties.Role).toEqual({
      'Fn::GetAtt': ['ReconcileRole', 'Arn'],
    });
    const table = { 'Fn::GetAtt': ['CdrTable', 'Arn'] };
    const parameter = (name: string) =>
      sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/${name}`);
    expect(statements(template, 'ReconcileRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['ReconcileLogGroup', 'Arn'] },
      },
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: { 'Fn::Join': ['', [table, '/index/byEndTime']] } },
      { Effect: 'Allow', Action: ['dynamodb:BatchGetItem'], Resource: table },
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: table },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'AlarmTopic' } },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': ['AlarmTopicKey', 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: [parameter('api-secret-id'), parameter('api-secret-key')],
      },
    ]);
    // A failed run reaches the alarm topic, like an alarm.
    expect(resource(template, 'ReconcileLambdaFunction').Properties.DeadLetterConfig).toEqual({
      TargetArn: { Ref: 'AlarmTopic' },
    });
    expect(statements(template, 'ReconcileSchedulerRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] },
      },
    ]);
    expect(resource(template, 'ReconcileSchedulerRole').Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
  });

  it('alarms on anything missing, on failures and on the function’s own errors, notifying the topic', () => {
    const { template } = withReconcile;
    const alarms = Object.fromEntries(
      resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .filter(([id]) => id.startsWith('Reconcile'))
        .map(([id, alarm]) => [id, alarm.Properties]),
    );
    expect(alarms.ReconcileMissingAlarm).toMatchObject({
      Namespace: 'TcccCdrReceiver',
      MetricName: 'ReconcileMissing',
      Threshold: 1,
    });
    expect(alarms.ReconcileFailureAlarm).toMatchObject({
      Namespace: 'TcccCdrReceiver',
      MetricName: 'ReconcileFailures',
      Threshold: 1,
    });
    expect(alarms.ReconcileErrorAlarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    for (const alarm of Object.values(alarms)) expect((alarm as any).AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(resource(template, 'ReconcileLogGroup')).toMatchObject({
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('refuses a malformed setting at package time', async () => {
    await expect(
      slsPackage(
        offlineEnv({ TCCC_AUTH: 'basic', ALARM_EMAIL: 'oncall@example.com', TCCC_SDK_APP_IDS: '1400000001;rm -rf' }),
        'bad-reconcile',
      ),
    ).rejects.toThrow(/TCCC_SDK_APP_IDS=.* is not a comma-separated list of SdkAppIds/);
  }, 120_000);
});
