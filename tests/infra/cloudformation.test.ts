// Before the handler's modules load: metrics on, so that the alarms can be held against real EMF.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAuthConfig } from '../../handler/auth/auth-config';
import { createPushHandler } from '../../handler/functions/push';
import { countingStore, quarantineStore } from '../support/dynamodb';
import { captureJsonLines, type EmfMetric, emfMetrics } from '../support/emf';
import { pushEvent, sampleRecord } from '../support/events';
import { tableRows, tableStartingWith } from '../support/markdown';
import { documentationText } from '../support/readme';
import {
  conditionHolds,
  offlineEnv,
  type Packaged,
  type Resource,
  ROOT,
  resourcesOfType,
  slsPackage,
  type Template,
} from '../support/serverless-package';

type Setting =
  | 'HEARTBEAT_HOURS'
  | 'API_THROTTLE_RATE'
  | 'API_THROTTLE_BURST'
  | 'TOKEN_THROTTLE_RATE'
  | 'TOKEN_THROTTLE_BURST'
  | 'PUSH_RESERVED_CONCURRENCY'
  | 'READ_RESERVED_CONCURRENCY'
  | 'REPORTS_RESERVED_CONCURRENCY'
  | 'TOKEN_RESERVED_CONCURRENCY'
  | 'AGGREGATE_LAG_ALARM_MINUTES';
const { DEFAULTS } = require('../../infra/settings.cjs') as { DEFAULTS: Record<Setting, number> };

const SECRET = 'do-not-leak-7f3a9c';
const SETTINGS = [...Object.keys(DEFAULTS), 'ALARM_EMAIL', 'ALARM_TOPIC_ARN', 'INDEX_UPGRADE_STEP'];
/** An SNS topic of the operator's: the basic stage's alarms go there (a stage must name where they go). */
const TOPIC_ARN = 'arn:aws:sns:ap-southeast-1:123456789012:oncall';
/** The oauth2 stage is packaged with every operations setting overridden, the basic one with none. */
const OVERRIDES = {
  ALARM_EMAIL: 'oncall@example.com',
  HEARTBEAT_HOURS: '6',
  API_THROTTLE_RATE: '20',
  API_THROTTLE_BURST: '40',
  TOKEN_THROTTLE_RATE: '0.5',
  TOKEN_THROTTLE_BURST: '2',
  PUSH_RESERVED_CONCURRENCY: 'none',
  READ_RESERVED_CONCURRENCY: '3',
  REPORTS_RESERVED_CONCURRENCY: '2',
  TOKEN_RESERVED_CONCURRENCY: '1',
  AGGREGATE_LAG_ALARM_MINUTES: '30',
};

let basic: Packaged;
let oauth2: Packaged;

beforeAll(async () => {
  const env = (extra: NodeJS.ProcessEnv) => {
    const base = offlineEnv({
      // Were a secret to leak from the environment into the template or the bundle, this one would.
      TCCC_BASIC_PASSWORD: SECRET,
      TCCC_OAUTH_CLIENT_SECRET: SECRET,
      ...extra,
    });
    for (const name of Object.keys(base)) {
      if ((SETTINGS.includes(name) || name.startsWith('RETENTION_DAYS')) && !(name in extra)) delete base[name];
    }
    return base;
  };
  // One after the other: osls writes the first stack's template through the service's own .serverless/.
  basic = await slsPackage(env({ TCCC_AUTH: 'basic', ALARM_TOPIC_ARN: TOPIC_ARN }), 'basic');
  oauth2 = await slsPackage(env({ TCCC_AUTH: 'oauth2', ...OVERRIDES }), 'oauth2');
}, 180_000);

afterAll(() => {
  for (const packaged of [basic, oauth2]) if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

const resource = (template: Template, id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const routeKeys = (template: Template) =>
  resourcesOfType(template, 'AWS::ApiGatewayV2::Route')
    .map(([, route]) => route.Properties.RouteKey)
    .sort();
const statementsOf = (role: Resource): any[] =>
  role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
const isLogs = (statement: any) => [statement.Action].flat().every((action: string) => action.startsWith('logs:'));
const sub = (text: string) => ({ 'Fn::Sub': text });

describe('the CloudFormation that `serverless package` generates', () => {
  it('keeps the records in a table keyed by SessionId', () => {
    const table = resource(basic.template, 'CdrTable');

    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'SessionId', KeyType: 'HASH' },
      { AttributeName: 'recordKey', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    // Every table, the records' and the quarantine's and the reports' (issue 15, item 10), and the privacy table.
    for (const [, each] of resourcesOfType(basic.template, 'AWS::DynamoDB::Table')) {
      expect(each.Properties.DeletionProtectionEnabled).toBe(true);
    }
    expect(resourcesOfType(basic.template, 'AWS::DynamoDB::Table').map(([id]) => id)).toEqual([
      'CdrTable',
      'QuarantineTable',
      'ReportTable',
      'PrivacyTable',
    ]);
  });

  it('runs each function on nodejs22.x, arm64, pointed at that table', () => {
    for (const { template } of [basic, oauth2]) {
      for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.Environment.Variables.CDR_TABLE_NAME).toBe('tccc-cdr-receiver-ci-cdrs');
      }
    }
  });

  it('routes every method of / to the push function and the GET routes to the read and reports functions', () => {
    expect(routeKeys(basic.template)).toEqual([
      'ANY /',
      'GET /cdrs/{SessionId}',
      'GET /cdrs/{SessionId}/versions',
      'GET /reports',
      'GET /reports/summary',
      'GET /sessions',
      'GET /sessions/{SessionId}',
      'GET /sessions/{SessionId}/versions',
    ]);
  });

  it('never leaves the read routes open: IAM authorization', () => {
    for (const { template } of [basic, oauth2]) {
      const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
      const reads = routes.filter((properties) => properties.RouteKey.startsWith('GET /cdrs'));
      expect(reads).toHaveLength(2);
      for (const route of reads) expect(route.AuthorizationType).toBe('AWS_IAM');
      expect(routes.find((properties) => properties.RouteKey === 'ANY /')?.AuthorizationType).toBeUndefined();
    }
  });

  it('keeps secrets out of the template and the bundles, reading them from SSM under the stage path', () => {
    for (const { dir, template } of [basic, oauth2]) {
      expect(JSON.stringify(template)).not.toContain(SECRET);
      for (const zip of readdirSync(dir).filter((file) => file.endsWith('.zip'))) {
        const bundles = execFileSync('unzip', ['-p', path.join(dir, zip)], { maxBuffer: 64 * 1024 * 1024 });
        expect(bundles.includes(SECRET)).toBe(false);
      }
    }
    const env = resource(basic.template, 'PushLambdaFunction').Properties.Environment.Variables;
    expect(env).toMatchObject({ TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: '/tccc-cdr-receiver/ci/' });
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(['TCCC_BASIC_PASSWORD']));
  });

  it('refuses to package a stage without authentication unless explicitly allowed', async () => {
    const env = offlineEnv({ TCCC_AUTH: 'none', ALARM_EMAIL: 'oncall@example.com' });
    await expect(slsPackage(env, 'none')).rejects.toThrow(/TCCC_AUTH is none/);
    const allowed = await slsPackage({ ...env, TCCC_ALLOW_UNAUTHENTICATED: 'true' }, 'none');
    rmSync(allowed.dir, { recursive: true, force: true });
  }, 120_000);
});

describe('15. the alarm topic notifies someone', () => {
  it('encrypts the topic with a rotated key of its own that CloudWatch may use for this topic only', () => {
    const { template } = basic;
    const topic = resource(template, 'AlarmTopic');
    const key = resource(template, 'AlarmTopicKey');

    // alias/aws/sns (or any AWS-managed key) cannot admit CloudWatch: its policy is AWS's.
    expect(topic.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements: any[] = key.Properties.KeyPolicy.Statement;
    const forCloudWatch = statements.filter((statement) => statement.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:EncryptionContext:aws:sns:topicArn': sub(
              `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${topic.Properties.TopicName}`,
            ),
          },
        },
      },
    ]);
    // Nobody else but the account itself (whose IAM policies then decide).
    expect(statements.filter((statement) => statement !== forCloudWatch[0]).map((s) => s.Principal)).toEqual([
      { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
    ]);
  });

  it("lets only this stage's alarms publish to the topic, and only over TLS; every alarm notifies it", () => {
    const { template } = basic;
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').map(([, policy]) => policy.Properties);
    expect(policies).toHaveLength(1);
    const [policy] = policies as [any];
    expect(policy.Topics).toEqual([{ Ref: 'AlarmTopic' }]);
    const [allow, denyPlain] = policy.PolicyDocument.Statement;
    const alarmArns = 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:';
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: 'AlarmTopic' },
      Condition: { ArnLike: { 'aws:SourceArn': sub(`${alarmArns}tccc-cdr-receiver-ci-*`) } },
    });
    expect(denyPlain).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });

    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(5);
    for (const [, alarm] of alarms) {
      // The names the topic policy admits.
      expect(alarm.Properties.AlarmName).toMatch(/^tccc-cdr-receiver-ci-[a-z0-9-]+$/);
      // And the operator's own topic, ALARM_TOPIC_ARN, whichever file of infra/ defines the alarm.
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }, TOPIC_ARN]);
    }
    for (const [, alarm] of resourcesOfType(oauth2.template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    }
  });

  it('subscribes ALARM_EMAIL to the topic, and nobody when the alarms go to ALARM_TOPIC_ARN alone', () => {
    for (const [{ template }, email] of [
      [oauth2, OVERRIDES.ALARM_EMAIL],
      [basic, ''],
    ] as const) {
      const subscription = resource(template, 'AlarmEmailSubscription');
      expect(subscription).toMatchObject({
        Type: 'AWS::SNS::Subscription',
        Condition: 'NotifyByEmail',
        Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
      });
      expect(template.Parameters?.AlarmEmail?.Default).toBe(email);
      expect(conditionHolds(template, 'NotifyByEmail')).toBe(email !== '');
    }
    // The parameter refuses what is not one address, should someone set it in the console.
    const pattern = new RegExp(oauth2.template.Parameters?.AlarmEmail?.AllowedPattern ?? '(?!)');
    expect(['', 'oncall@example.com'].map((value) => pattern.test(value))).toEqual([true, true]);
    expect(['a@b.c,d@e.f', 'a@b.c d@e.f', 'oncall'].map((value) => pattern.test(value))).toEqual([false, false, false]);
  });
});

describe('16. losses that no other alarm sees', () => {
  const USERNAME = 'tccc';
  const PASSWORD = 'the-right-password';
  const handler = createPushHandler({
    store: countingStore().store,
    quarantine: quarantineStore(),
    loadAuth: () =>
      loadAuthConfig({ TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: USERNAME, TCCC_BASIC_PASSWORD: PASSWORD }),
  });
  const push = (password: string, record: unknown = sampleRecord()) =>
    handler(
      pushEvent(record, {
        headers: {
          'content-type': 'application/json;charset=utf8',
          authorization: `Basic ${Buffer.from(`${USERNAME}:${password}`).toString('base64')}`,
        },
      }),
    );
  /** What the alarm watches, in the shape of an EMF metric. */
  const watched = (alarm: Resource): EmfMetric => ({
    namespace: alarm.Properties.Namespace,
    name: alarm.Properties.MetricName,
    dimensions: Object.fromEntries(
      alarm.Properties.Dimensions.map(({ Name, Value }: { Name: string; Value: string }) => [Name, Value]),
    ),
  });

  /** The metrics a metric-math alarm reads, by id, in the shape of an EMF metric. */
  const queried = (alarm: Resource): Record<string, EmfMetric> =>
    Object.fromEntries(
      alarm.Properties.Metrics.filter((query: any) => query.MetricStat).map((query: any) => [
        query.Id,
        watched({ Properties: query.MetricStat.Metric } as Resource),
      ]),
    );
  /**
   * Whether the alarm fires on one period in which the handler wrote `emitted`: its expression
   * evaluated as CloudWatch does (FILL(m, 0): a metric with no data counts 0; comparisons and AND
   * give 1 or 0), against its threshold.
   */
  const fires = (alarm: Resource, emitted: EmfMetric[]): boolean => {
    const sums = Object.entries(queried(alarm)).map(
      ([id, metric]) => [id, emitted.filter((m) => JSON.stringify(m) === JSON.stringify(metric)).length] as const,
    );
    const [{ Expression }] = alarm.Properties.Metrics.filter((query: any) => query.ReturnData);
    const js = (Expression as string).replace(/FILL\((\w+), 0\)/g, '($1 ?? 0)').replace(/\bAND\b/g, '&&');
    expect(js).toMatch(/^[\w\s()?>=<+&.0-9]+$/);
    const value = Number(
      new Function(...sums.map(([id]) => id), `return ${js};`)(...sums.map(([, n]) => n || undefined)),
    );
    expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    return value >= alarm.Properties.Threshold;
  };
  /** The EMF metrics the real handler writes for these pushes. */
  const metricsOf = async (pushes: Array<() => Promise<unknown>>) =>
    emfMetrics(
      await captureJsonLines(async () => {
        for (const each of pushes) await each();
      }),
    );
  const fresh = () => sampleRecord({ SessionId: `alarm-${randomUUID()}` });
  const stranger = () =>
    handler(pushEvent(sampleRecord(), { headers: { 'content-type': 'application/json;charset=utf8' } }));

  it('alarms when TCCC’s pushes are refused for their credentials, on exactly the metrics the handler writes', async () => {
    const reply = await push('a-rotated-password');
    expect(reply.statusCode).toBe(401);
    expect(JSON.parse(reply.body).ErrCode).toBe(1008);

    const alarm = resource(basic.template, 'RefusedCredentialsAlarm');
    // CloudWatch matches a metric by namespace, name and its whole dimension set.
    const refused = await metricsOf([() => push('a-rotated-password')]);
    expect(refused).toContainEqual(queried(alarm).refused);
    expect(queried(alarm).refused?.dimensions.ErrCode).toBe('1008');
    const record = fresh();
    const taken = await metricsOf([() => push(PASSWORD, record), () => push(PASSWORD, record)]);
    expect(taken).toContainEqual(queried(alarm).accepted);
    expect(taken).toContainEqual(queried(alarm).duplicate);
    expect(alarm.Properties).toMatchObject({
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }, TOPIC_ARN],
    });
    expect(
      alarm.Properties.Metrics.filter((query: any) => query.MetricStat).map((q: any) => q.MetricStat.Period),
    ).toEqual([900, 900, 900]);

    // A rotated secret: a push and TCCC's 3 retries, all refused, nothing taken.
    const rotated = Array.from({ length: 4 }, () => () => push('a-rotated-password'));
    expect(fires(alarm, await metricsOf(rotated))).toBe(true);
    // The same amid TCCC's other pushes, all refused too, fires all the more.
    expect(fires(alarm, await metricsOf([...rotated, ...rotated]))).toBe(true);
  });

  it('does not alarm on a stranger posting without credentials, nor on a few among TCCC’s pushes', async () => {
    const alarm = resource(basic.template, 'RefusedCredentialsAlarm');
    // One unauthenticated POST from the internet: 1008, and nothing else.
    const one = await metricsOf([stranger]);
    expect(one).toContainEqual(queried(alarm).refused);
    expect(fires(alarm, one)).toBe(false);
    // Three, even in a quiet quarter hour: fewer than one lost push (a push and 3 retries).
    expect(fires(alarm, await metricsOf([stranger, stranger, stranger]))).toBe(false);
    // Four among four pushes taken: TCCC is getting through.
    const amid = [stranger, stranger, stranger, stranger, ...Array.from({ length: 4 }, () => () => push(PASSWORD))];
    expect(fires(alarm, await metricsOf(amid))).toBe(false);
  });

  it('alarms when no push is accepted for HEARTBEAT_HOURS hours, silence counting as breaching', async () => {
    const emitted = (await metricsOf([() => push(PASSWORD, fresh())])).filter(
      (metric) => metric.name === 'PushAccepted',
    );

    for (const [{ template }, hours] of [
      [basic, DEFAULTS.HEARTBEAT_HOURS],
      [oauth2, Number(OVERRIDES.HEARTBEAT_HOURS)],
    ] as const) {
      const alarm = resource(template, 'HeartbeatAlarm');
      expect(emitted).toContainEqual(watched(alarm));
      expect(alarm.Properties).toMatchObject({
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: hours,
        DatapointsToAlarm: hours,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: template === basic.template ? [{ Ref: 'AlarmTopic' }, TOPIC_ARN] : [{ Ref: 'AlarmTopic' }],
      });
    }
  });

  it('alarms when the reports consumer falls behind its stream (AGGREGATE_LAG_ALARM_MINUTES) or keeps failing', () => {
    for (const [{ template }, minutes] of [
      [basic, DEFAULTS.AGGREGATE_LAG_ALARM_MINUTES],
      [oauth2, Number(OVERRIDES.AGGREGATE_LAG_ALARM_MINUTES)],
    ] as const) {
      // The dimension names the consumer function the template deploys.
      const consumerName = resource(template, 'AggregateLambdaFunction').Properties.FunctionName;
      expect(resource(template, 'AggregateLagAlarm').Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: consumerName }],
        Statistic: 'Maximum',
        Threshold: minutes * 60_000,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: expect.arrayContaining([{ Ref: 'AlarmTopic' }]),
      });
      // The same setting holds the person lookup's consumer (tests/infra/privacy-template.test.ts).
      expect(resource(template, 'LookupLagAlarm').Properties.Threshold).toBe(minutes * 60_000);
      expect(resource(template, 'AggregateErrorsAlarm').Properties).toMatchObject({
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: consumerName }],
        Threshold: 0,
        AlarmActions: expect.arrayContaining([{ Ref: 'AlarmTopic' }]),
      });
    }
  });

  it('keeps the earlier alarms: storage failures, 5xx and quarantine growth', () => {
    const names = resourcesOfType(basic.template, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => a.Properties.MetricName ?? `math(${a.Properties.Metrics.map((q: any) => q.Id).join(',')})`,
    );
    // ApproximateNumberOfMessagesVisible: stream batches the reports' or the lookup's consumer gave
    // up on; IteratorAge and Errors: either consumer falling behind, or failing.
    expect(names.sort()).toEqual([
      '5xx',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
      'IteratorAge',
      'IteratorAge',
      'PushAccepted',
      'PushQuarantined',
      'StorageFailure',
      'math(lost,refused,accepted,duplicate)',
    ]);
  });
});

describe('17. throttling and concurrency limits on public routes', () => {
  const stage = (template: Template) => resource(template, 'HttpApiStage').Properties;

  it('throttles every route at the stage and the token route tighter, overridable', () => {
    expect(stage(basic.template).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: DEFAULTS.API_THROTTLE_RATE,
      ThrottlingBurstLimit: DEFAULTS.API_THROTTLE_BURST,
    });
    // No route setting for a route that does not exist (API Gateway would refuse the stage).
    expect(stage(basic.template).RouteSettings).toBeUndefined();

    expect(stage(oauth2.template).DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(stage(oauth2.template).RouteSettings).toEqual({
      'POST /oauth/token': { ThrottlingRateLimit: 0.5, ThrottlingBurstLimit: 2 },
    });
    expect(routeKeys(oauth2.template)).toContain('POST /oauth/token');
    expect(DEFAULTS.TOKEN_THROTTLE_RATE).toBeLessThan(DEFAULTS.API_THROTTLE_RATE);
    expect(DEFAULTS.TOKEN_THROTTLE_BURST).toBeLessThan(DEFAULTS.API_THROTTLE_BURST);
  });

  it('reserves concurrency for each function, overridable and removable', () => {
    const reserved = (template: Template, id: string) => resource(template, id).Properties.ReservedConcurrentExecutions;

    expect(reserved(basic.template, 'PushLambdaFunction')).toBe(DEFAULTS.PUSH_RESERVED_CONCURRENCY);
    expect(reserved(basic.template, 'ReadLambdaFunction')).toBe(DEFAULTS.READ_RESERVED_CONCURRENCY);
    expect(reserved(basic.template, 'ReportsLambdaFunction')).toBe(DEFAULTS.REPORTS_RESERVED_CONCURRENCY);
    expect(reserved(oauth2.template, 'ReportsLambdaFunction')).toBe(2);
    // `none`: no reservation at all (CloudFormation drops the property).
    expect(reserved(oauth2.template, 'PushLambdaFunction')).toEqual({ Ref: 'AWS::NoValue' });
    expect(reserved(oauth2.template, 'ReadLambdaFunction')).toBe(3);
    expect(reserved(oauth2.template, 'TokenLambdaFunction')).toBe(1);
  });
});

describe('18. redeploying after `serverless remove` or a failed first deploy', () => {
  const RETAINED = [
    'CdrTable',
    'QuarantineTable',
    'ReportTable',
    'PrivacyTable',
    'PushLogGroup',
    'ReadLogGroup',
    'ReportsLogGroup',
    'AggregateLogGroup',
    'LookupLogGroup',
    'HttpApiLogGroup',
  ];

  it('keeps the tables when the stack is removed, but not after a failed first deploy', () => {
    for (const [id, name] of [
      ['CdrTable', 'tccc-cdr-receiver-ci-cdrs'],
      ['QuarantineTable', 'tccc-cdr-receiver-ci-quarantine'],
      ['PrivacyTable', 'tccc-cdr-receiver-ci-privacy'],
    ]) {
      const table = resource(basic.template, id as string);
      expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      // A fixed name is what lets `npm run reattach` find it again.
      expect(table.Properties.TableName).toBe(name);
    }
  });

  it('writes the import change set that re-attaches every retained table and log group to a new stack', async () => {
    for (const [{ dir, template }, expected] of [
      [basic, RETAINED],
      [oauth2, [...RETAINED, 'TokenLogGroup']],
    ] as const) {
      const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'reattach', '--', '--package', dir], {
        cwd: ROOT,
      });
      const toImport = JSON.parse(readFileSync(path.join(dir, 'reattach-resources.json'), 'utf8'));
      const importTemplate: Template = JSON.parse(readFileSync(path.join(dir, 'reattach-template.json'), 'utf8'));
      const firstStack: Template = JSON.parse(
        readFileSync(path.join(dir, 'cloudformation-template-create-stack.json'), 'utf8'),
      );

      // Every resource the stack keeps on remove, by the name it has.
      const retained = Object.entries(template.Resources)
        .filter(([, r]) => r.DeletionPolicy === 'RetainExceptOnCreate')
        .map(([id]) => id);
      expect(retained.sort()).toEqual([...expected].sort());
      expect(toImport.map((entry: any) => entry.LogicalResourceId).sort()).toEqual([...expected].sort());
      for (const entry of toImport) {
        const original = resource(template, entry.LogicalResourceId);
        expect(entry.ResourceType).toBe(original.Type);
        const [[property, value]] = Object.entries(entry.ResourceIdentifier) as [[string, string]];
        expect(original.Properties[property]).toBe(value);
      }
      // The framework's first stack plus those; each imported one with a DeletionPolicy (CloudFormation requires it).
      expect(Object.keys(importTemplate.Resources).sort()).toEqual(
        [...Object.keys(firstStack.Resources), ...expected].sort(),
      );
      for (const id of expected) {
        expect(importTemplate.Resources[id]).toMatchObject({
          ...resource(template, id),
          DeletionPolicy: 'Retain',
        });
      }
      const lines = stdout.split('\n');
      expect(lines).toContain(
        `aws cloudformation create-change-set --stack-name tccc-cdr-receiver-ci --region ap-southeast-1 --change-set-name reattach-retained --change-set-type IMPORT --resources-to-import file://${dir}/reattach-resources.json --template-body file://${dir}/reattach-template.json`,
      );
      expect(lines).toContain(
        `aws cloudformation create-stack --stack-name tccc-cdr-receiver-ci --region ap-southeast-1 --template-body file://${dir}/cloudformation-template-create-stack.json`,
      );
      // The documentation (docs/operations.md) shows these very commands, for a stage prod packaged into .serverless/.
      const readme = documentationText().split('\n');
      const asInReadme = lines
        .filter((line) => line.startsWith('aws '))
        .map((line) => line.replaceAll(`${dir}/`, '.serverless/').replaceAll('receiver-ci ', 'receiver-prod '));
      expect(readme.filter((line) => line.startsWith('aws cloudformation '))).toEqual(asInReadme);
    }
  });

  it('leaves out of the import what is named by --skip', async () => {
    await promisify(execFile)(
      'npm',
      ['run', '--silent', 'reattach', '--', '--package', oauth2.dir, '--skip', 'TokenLogGroup'],
      {
        cwd: ROOT,
      },
    );
    const toImport = JSON.parse(readFileSync(path.join(oauth2.dir, 'reattach-resources.json'), 'utf8'));
    expect(toImport.map((entry: any) => entry.LogicalResourceId).sort()).toEqual([...RETAINED].sort());
  });
});

describe('19. least privilege, logs and bundles', () => {
  it('logs every request of the HTTP API stage, as JSON without headers, query or body, for 90 days', () => {
    for (const { template } of [basic, oauth2]) {
      const settings = resource(template, 'HttpApiStage').Properties.AccessLogSettings;
      expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
      const fields = JSON.parse(settings.Format);
      expect(fields).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
      });
      for (const variable of Object.values(fields)) {
        expect(variable).not.toMatch(/header|querystring|body|authorizer/i);
      }
      expect(resource(template, 'HttpApiLogGroup').Properties.RetentionInDays).toBe(90);
    }
  });

  it('gives each function a role of its own, allowing only what that function calls', () => {
    const { template } = oauth2;
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const roleOf = (fn: string) => {
      const arn = resource(template, `${fn}LambdaFunction`).Properties.Role;
      expect(arn).toEqual({ 'Fn::GetAtt': [`${fn}Role`, 'Arn'] });
      return resource(template, `${fn}Role`);
    };
    for (const fn of ['Push', 'Read', 'Token', 'Reports', 'Aggregate', 'Lookup']) {
      const role = roleOf(fn);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      // Logs: its own log group, nothing else.
      expect(statementsOf(role).filter(isLogs)).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [`${fn}LogGroup`, 'Arn'] },
        },
      ]);
      for (const statement of statementsOf(role)) {
        expect(statement.Effect).toBe('Allow');
        expect([statement.Action].flat().some((action: string) => action.endsWith('*'))).toBe(false);
      }
    }

    // push: saving sends only conditional PutItems (tests/store checks the commands it sends).
    const needed = ['dynamodb:PutItem'];
    const secrets = sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/*');
    const push = statementsOf(roleOf('Push')).filter((s) => !isLogs(s));
    expect(push).toEqual([
      { Effect: 'Allow', Action: needed, Resource: { 'Fn::GetAtt': ['CdrTable', 'Arn'] } },
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: { 'Fn::GetAtt': ['QuarantineTable', 'Arn'] } },
      { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: secrets },
    ]);
    // read: reads the record table, writes nothing, reads no secret (its routes are IAM-authorized).
    const read = statementsOf(roleOf('Read')).filter((s) => !isLogs(s));
    expect(read).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::GetAtt': ['CdrTable', 'Arn'] },
      },
      // GET /sessions: the table's query indexes, then the records in batches.
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['CdrTable', 'Arn'] }, '/index/*']] },
      },
      { Effect: 'Allow', Action: ['dynamodb:BatchGetItem'], Resource: { 'Fn::GetAtt': ['CdrTable', 'Arn'] } },
    ]);
    // reports: reads the aggregates, nothing else.
    expect(statementsOf(roleOf('Reports')).filter((s) => !isLogs(s))).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
        Resource: { 'Fn::GetAtt': ['ReportTable', 'Arn'] },
      },
    ]);
    // aggregate: the record table's stream in, a version check, the aggregates out, failures to its queue.
    expect(statementsOf(roleOf('Aggregate')).filter((s) => !isLogs(s))).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        Resource: { 'Fn::GetAtt': ['CdrTable', 'StreamArn'] },
      },
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['CdrTable', 'Arn'] } },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: { 'Fn::GetAtt': ['ReportTable', 'Arn'] },
      },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['AggregateDeadLetterQueue', 'Arn'] } },
    ]);
    // token: the secrets alone, no table.
    const token = statementsOf(roleOf('Token')).filter((s) => !isLogs(s));
    expect(token).toEqual([{ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: secrets }]);
    // lookup: the stream in, lookup items out, its hash key (tests/infra/privacy-template.test.ts).
    expect(statementsOf(roleOf('Lookup')).filter((s) => !isLogs(s))).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:BatchWriteItem'],
      Resource: { 'Fn::GetAtt': ['PrivacyTable', 'Arn'] },
    });
  });

  it('deploys the token function, its role, log group and route only with TCCC_AUTH=oauth2', () => {
    const tokenParts = (template: Template) =>
      Object.keys(template.Resources)
        .filter((id) => /token/i.test(id))
        .map((id) => id.replace(/Version\w+$/, 'Version'))
        .sort();

    expect(tokenParts(basic.template)).toEqual([]);
    expect(routeKeys(basic.template)).not.toContain('POST /oauth/token');
    expect(tokenParts(oauth2.template)).toEqual([
      'HttpApiIntegrationToken',
      'HttpApiRoutePostOauthToken',
      'TokenLambdaFunction',
      'TokenLambdaPermissionHttpApi',
      'TokenLambdaVersion',
      'TokenLogGroup',
      'TokenRole',
    ]);
    expect(
      readdirSync(basic.dir)
        .filter((file) => file.endsWith('.zip'))
        .sort(),
    ).toEqual(['aggregate.zip', 'lookup.zip', 'push.zip', 'read.zip', 'reports.zip']);
  });

  it('keeps every log group, 90 days, when the stack is removed', () => {
    for (const { template } of [basic, oauth2]) {
      const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(3);
      for (const [, group] of groups) {
        expect(group.Properties.RetentionInDays).toBe(90);
        expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
        expect(group.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });

  it("packs into each function's zip its bundle and the chunks it imports, nothing else", () => {
    for (const { dir } of [basic, oauth2]) {
      for (const zip of readdirSync(dir).filter((file) => file.endsWith('.zip'))) {
        const unpacked = mkdtempSync(path.join(os.tmpdir(), 'zip-'));
        try {
          execFileSync('unzip', ['-q', path.join(dir, zip), '-d', unpacked]);
          const files = execFileSync('unzip', ['-Z1', path.join(dir, zip)], { encoding: 'utf8' })
            .split('\n')
            .filter((name) => name !== '' && !name.endsWith('/'));
          const entry = `handler/functions/${path.basename(zip, '.zip')}.mjs`;
          // Follow every static and dynamic import of a relative path, from the entry.
          const loaded = new Set([entry]);
          for (const file of loaded) {
            const code = readFileSync(path.join(unpacked, file), 'utf8');
            for (const [, specifier] of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
              loaded.add(path.posix.join(path.posix.dirname(file), specifier as string));
            }
          }
          expect(loaded.size).toBeGreaterThan(1);
          expect(files.sort()).toEqual([...loaded].sort());
        } finally {
          rmSync(unpacked, { recursive: true, force: true });
        }
      }
    }
  });
});

describe('issue 15, item 10: the read and reports zips load only what they need', () => {
  /** Every file of a zip, by name, as text. */
  const filesOf = (zip: string): Map<string, string> => {
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return new Map(
      names.map((name) => [name, execFileSync('unzip', ['-p', zip, name], { maxBuffer: 64 << 20 }).toString('utf8')]),
    );
  };
  /** The files an entry loads at cold start: itself and what it imports statically, transitively. */
  const loadedAtStart = (files: Map<string, string>, entry: string): Set<string> => {
    const loaded = new Set([entry]);
    for (const file of loaded) {
      for (const [, specifier] of (files.get(file) ?? '').matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        loaded.add(path.posix.join(path.posix.dirname(file), specifier as string));
      }
    }
    return loaded;
  };
  // What marks the SSM client (its service's JSON target) and jose (its error codes) in a minified bundle.
  const SSM = '"AmazonSSM"';
  const JOSE = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';

  it('carries neither the SSM client nor jose in the read and reports zips; the push zip has both', () => {
    for (const { dir } of [basic, oauth2]) {
      for (const fn of ['read', 'reports']) {
        const code = [...filesOf(path.join(dir, `${fn}.zip`)).values()].join('\n');
        expect({ fn, ssm: code.includes(SSM), jose: code.includes(JOSE) }).toEqual({ fn, ssm: false, jose: false });
      }
      // The markers are real: the push function, which reads secrets and checks tokens, has them.
      const push = [...filesOf(path.join(dir, 'push.zip')).values()].join('\n');
      expect([push.includes(SSM), push.includes(JOSE)]).toEqual([true, true]);
    }
  });

  it('loads the reports page only on GET /reports: a chunk of its own, never imported at cold start', () => {
    const files = filesOf(path.join(basic.dir, 'reports.zip'));
    const pages = [...files].filter(([, code]) => code.includes('<!doctype html') || code.includes('<!DOCTYPE html'));
    expect(pages.map(([name]) => name)).toEqual([
      expect.stringMatching(/^handler\/functions\/reports\.chunks\/page-\w+\.mjs$/),
    ]);
    const [[page, html]] = pages as [[string, string]];
    expect(html.length).toBeGreaterThan(300_000);
    const atStart = loadedAtStart(files, 'handler/functions/reports.mjs');
    expect(atStart.has(page)).toBe(false);
    // What a /reports/summary cold start parses, against the page alone.
    const startBytes = [...atStart].reduce((sum, file) => sum + (files.get(file)?.length ?? 0), 0);
    expect(startBytes).toBeLessThan(html.length);
  });
});

describe('issue 15, item 12: the README’s IAM table is the packaged template’s roles', () => {
  /** How the README names a resource a role's statement grants on. */
  const RESOURCES: Array<[unknown, string]> = [
    [{ 'Fn::GetAtt': ['CdrTable', 'Arn'] }, 'on the record table'],
    [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['CdrTable', 'Arn'] }, '/index/*']] }, "on the record table's indexes"],
    [{ 'Fn::GetAtt': ['CdrTable', 'StreamArn'] }, "on the record table's stream"],
    [{ 'Fn::GetAtt': ['QuarantineTable', 'Arn'] }, 'on the quarantine table'],
    [{ 'Fn::GetAtt': ['ReportTable', 'Arn'] }, 'on the report table'],
    [{ 'Fn::GetAtt': ['AggregateDeadLetterQueue', 'Arn'] }, 'on the aggregate dead-letter queue'],
    [{ 'Fn::GetAtt': ['PrivacyTable', 'Arn'] }, 'on the privacy table'],
    [{ 'Fn::GetAtt': ['LookupDeadLetterQueue', 'Arn'] }, 'on the lookup dead-letter queue'],
    [
      sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/privacy-hash-key'),
      'on the privacy-hash-key parameter',
    ],
    [
      sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/*'),
      "under the stage's secret path",
    ],
  ];
  const phrase = (resource: unknown) => {
    const found = RESOURCES.find(([known]) => JSON.stringify(known) === JSON.stringify(resource));
    if (!found) throw new Error(`a role grants on a resource the README has no name for: ${JSON.stringify(resource)}`);
    return found[1];
  };

  it('lists every function’s role, each statement but its own log group’s, row for row', () => {
    const { template } = oauth2;
    const expected = resourcesOfType(template, 'AWS::Lambda::Function')
      .map(([id, fn]) => {
        const role = resource(template, fn.Properties.Role['Fn::GetAtt'][0]);
        const allowed = statementsOf(role)
          .filter((statement) => !isLogs(statement))
          .map(
            (s) =>
              `${[s.Action]
                .flat()
                .map((action: string) => `\`${action}\``)
                .join(', ')} ${phrase(s.Resource)}`,
          );
        const name = id.replace(/LambdaFunction$/, '');
        return [`\`${name.charAt(0).toLowerCase()}${name.slice(1)}\``, allowed.join('; ')];
      })
      .sort(([a], [b]) => (a as string).localeCompare(b as string));
    expect(expected.map(([name]) => name)).toEqual([
      '`aggregate`',
      '`lookup`',
      '`push`',
      '`read`',
      '`reports`',
      '`token`',
    ]);

    // docs/operations.md, "IAM roles".
    const documentedRows = tableRows(tableStartingWith(documentationText(), 'function'));
    // On a mismatch, the rows to paste are in the diff.
    expect(documentedRows).toEqual(expected);
  });
});

describe('21. cdk-nag (AwsSolutions and Serverless packs) on the packaged template', () => {
  const nag = (...dirs: string[]) =>
    promisify(execFile)('npm', ['run', '--silent', 'nag', '--', ...dirs.flatMap((dir) => ['--package', dir])], {
      cwd: ROOT,
      maxBuffer: 8 << 20,
    });

  it('passes, every finding acknowledged with its reason and every acknowledgment still needed', async () => {
    const { stdout } = await nag(basic.dir, oauth2.dir);
    expect(stdout).toContain(`AwsSolutions and Serverless packs pass on ${basic.dir}, ${oauth2.dir}`);
  }, 120_000);

  it('fails on a finding not acknowledged, and on an acknowledgment that no longer applies', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nag-broken-'));
    try {
      cpSync(basic.dir, dir, { recursive: true });
      const broken = structuredClone(basic.template);
      delete resource(broken, 'HttpApiStage').Properties.AccessLogSettings;
      resource(broken, 'PushLambdaFunction').Properties.Runtime = 'nodejs24.x';
      writeFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), JSON.stringify(broken));

      const failure = await nag(dir).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );

      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`not acknowledged: AwsSolutions::AwsSolutions-APIG1 at ${dir}: HttpApiStage`);
      expect(failure?.stderr).toContain(
        `acknowledged, but not found: AwsSolutions::AwsSolutions-L1 at ${dir}: PushLambdaFunction`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
