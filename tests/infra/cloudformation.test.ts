import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'sls-package-'));
type Template = {
  Resources: Record<string, { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
};
let template: Template;
const SECRET = 'do-not-leak-7f3a9c';

function slsPackage(env: NodeJS.ProcessEnv, dir = outDir): string {
  const serverless = path.join(root, 'node_modules/serverless/bin/serverless.js');
  try {
    return execFileSync(process.execPath, [serverless, 'package', '--stage', 'ci', '--package', dir], {
      cwd: root,
      env,
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const resourcesOfType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** The IAM actions each DynamoDB command the store sends is authorized by (transactions: per item). */
const ACTIONS_BY_COMMAND: Record<string, string[]> = {
  GetItemCommand: ['dynamodb:GetItem'],
  PutItemCommand: ['dynamodb:PutItem'],
  QueryCommand: ['dynamodb:Query'],
  TransactWriteItemsCommand: ['dynamodb:PutItem'],
};

beforeAll(() => {
  // Offline, with no AWS credentials at all: as CI and a new user run it.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    TCCC_AUTH: 'basic',
    // Were a secret to leak from the environment into the template or the bundle, this one would.
    TCCC_BASIC_PASSWORD: SECRET,
    TCCC_OAUTH_CLIENT_SECRET: SECRET,
  };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_ENDPOINT_URL_DYNAMODB'])
    delete env[name];
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'ci', '--package', outDir],
    {
      cwd: root,
      env,
      stdio: 'pipe',
    },
  );
  template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the CloudFormation that `serverless package` generates', () => {
  it('keeps the records in a table keyed by SessionId that outlives the stack', () => {
    const table = template.Resources.CdrTable as Template['Resources'][string];

    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'SessionId', KeyType: 'HASH' },
      { AttributeName: 'recordKey', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.TableName).toBe('tccc-cdr-receiver-ci-cdrs');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('runs both functions on nodejs22.x, arm64, pointed at that table', () => {
    const functions = resourcesOfType('AWS::Lambda::Function');

    expect(functions.map(([id]) => id).sort()).toEqual([
      'PushLambdaFunction',
      'ReadLambdaFunction',
      'TokenLambdaFunction',
    ]);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.CDR_TABLE_NAME).toBe('tccc-cdr-receiver-ci-cdrs');
    }
  });

  it('lets the functions use only the DynamoDB actions the store sends, on that table alone', () => {
    const storeSource = readFileSync(path.join(root, 'handler/store/dynamodb-cdr-store.ts'), 'utf8');
    const commands = [...new Set([...storeSource.matchAll(/new (\w+Command)\(/g)].map(([, name]) => name as string))];
    const needed = [
      ...new Set(commands.flatMap((command) => ACTIONS_BY_COMMAND[command] ?? [`unmapped ${command}`])),
    ].sort();

    const [[, role]] = resourcesOfType('AWS::IAM::Role') as [[string, Template['Resources'][string]]];
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    const dynamoStatements = statements.filter((statement: any) =>
      [statement.Action].flat().some((action: string) => action.startsWith('dynamodb:')),
    );

    expect(dynamoStatements).toEqual([
      { Effect: 'Allow', Action: needed, Resource: { 'Fn::GetAtt': ['CdrTable', 'Arn'] } },
      // Listing and replaying the quarantine is the operator's job, with the operator's credentials.
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: { 'Fn::GetAtt': ['QuarantineTable', 'Arn'] } },
    ]);
    for (const statement of statements) expect([statement.Action].flat()).not.toContain('dynamodb:*');
  });

  it('routes every method of / to the push function and GET /cdrs/{SessionId} to the read function', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route')
      .map(([, route]) => route.Properties.RouteKey)
      .sort();

    expect(routes).toEqual(['ANY /', 'GET /cdrs/{SessionId}', 'GET /cdrs/{SessionId}/versions', 'POST /oauth/token']);
  });

  it('never leaves the read routes open: IAM authorization', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);

    for (const route of routes.filter((properties) => properties.RouteKey.startsWith('GET /cdrs'))) {
      expect(route.AuthorizationType).toBe('AWS_IAM');
    }
    expect(routes.find((properties) => properties.RouteKey === 'ANY /')?.AuthorizationType).toBeUndefined();
  });

  it('keeps secrets out of the template and the bundles, reading them from SSM under the stage path', () => {
    expect(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')).not.toContain(SECRET);
    const bundles = execFileSync('unzip', ['-p', path.join(outDir, 'push.zip')], { maxBuffer: 64 * 1024 * 1024 });
    expect(bundles.includes(SECRET)).toBe(false);
    const env = template.Resources.PushLambdaFunction?.Properties.Environment.Variables;
    expect(env).toMatchObject({ TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: '/tccc-cdr-receiver/ci/' });
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(['TCCC_BASIC_PASSWORD']));
    const [, role] = resourcesOfType('AWS::IAM::Role')[0] as [string, Template['Resources'][string]];
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['ssm:GetParameters', 'ssm:GetParameter'],
      Resource: {
        'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tccc-cdr-receiver/ci/*',
      },
    });
  });

  it('alarms on storage failures, 5xx and quarantine growth; keeps logs 90 days', () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.MetricName);
    expect(alarms.sort()).toEqual(['5xx', 'PushQuarantined', 'StorageFailure']);
    for (const [, group] of resourcesOfType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('refuses to package a stage without authentication unless explicitly allowed', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', TCCC_AUTH: 'none' };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sls-none-'));
    try {
      expect(() => slsPackage(env, dir)).toThrow(/TCCC_AUTH is none/);
      expect(() => slsPackage({ ...env, TCCC_ALLOW_UNAUTHENTICATED: 'true' }, dir)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
