#!/usr/bin/env node
// cdk-nag's AwsSolutions and Serverless packs (and CDK's own CloudFormation checks) over the
// template `serverless package` wrote, offline: the template is loaded with CDK's
// cloudformation-include module, never deployed. Every finding fails the check unless it is
// acknowledged below, with its reason; an acknowledgment that no longer matches anything fails
// it too, so that none outlives its reason.
//
//   npx serverless package --stage ci && npm run nag     # or: npm run nag -- --package <dir> [--package <dir>...]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/** The functions API Gateway invokes (synchronously). */
const API_FUNCTIONS = ['PushLambdaFunction', 'ReadLambdaFunction', 'TokenLambdaFunction'];

/**
 * The accepted findings: rule (as CDK's report names it), the resources (logical ids, or every
 * resource of a type), and why it is right for this receiver.
 */
function acknowledgments(secretsPath) {
  return [
    {
      rule: 'AwsSolutions::AwsSolutions-S1',
      ids: ['ServerlessDeploymentBucket'],
      reason:
        "The framework's deployment bucket holds only the zips and templates of the deploys; its policy refuses " +
        'non-TLS access, and server access logs would need a second bucket with the same question.',
    },
    {
      rule: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${secretsPath}*]`,
      ids: ['PushRole', 'TokenRole'],
      reason:
        "Only this stage's auth secrets live under its path; which ones exist depends on TCCC_AUTH and on key " +
        'rotation, and the functions read only those their mode needs.',
    },
    ...['AwsSolutions::AwsSolutions-L1', 'Serverless::Serverless-LambdaLatestVersion'].map((rule) => ({
      rule,
      type: 'AWS::Lambda::Function',
      reason:
        'nodejs22.x is the runtime the receiver is built (esbuild target node22) and tested for; moving to a newer ' +
        'one is a deliberate change with its own test run.',
    })),
    {
      rule: 'AwsSolutions::AwsSolutions-APIG4',
      ids: ['HttpApiRouteAny', 'HttpApiRoutePostOauthToken'],
      reason:
        "TCCC's data push cannot sign requests (SigV4) or use a JWT authorizer: the push function checks HTTP Basic " +
        'or the bearer token itself, and the token URL authenticates the client by its credentials (RFC 6749). ' +
        'Both are throttled at the stage. The read routes are IAM-authorized.',
    },
    {
      rule: 'Serverless::Serverless-LambdaDLQ',
      ids: API_FUNCTIONS,
      reason:
        'The functions are only invoked synchronously by API Gateway; a dead-letter queue only receives failed ' +
        'asynchronous invocations. A failed push is answered with an error and TCCC retries it.',
    },
    {
      rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::<CdrTable.Arn>/index/*]',
      ids: ['ReadRole'],
      reason:
        "The record table's query indexes (byEndTime, bySeat) for GET /sessions: the wildcard covers only this " +
        "table's indexes, which hold index keys and filter facets, never more than the table itself.",
    },
    {
      rule: 'Serverless::Serverless-LambdaDLQ',
      ids: ['ReportsLambdaFunction'],
      reason: 'Invoked synchronously by API Gateway only, like the read function: a failure is an error reply.',
    },
    {
      rule: 'Serverless::Serverless-LambdaDLQ',
      ids: ['AggregateLambdaFunction', 'LookupLambdaFunction'],
      reason:
        "Invoked by the record table's stream through an event source mapping, whose on-failure destination " +
        '(AggregateDeadLetterQueue, LookupDeadLetterQueue, each alarmed) receives the batches given up on; a ' +
        'function DLQ only serves asynchronous invocations.',
    },
    ...['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy'].map((rule) => ({
      rule,
      ids: ['AggregateDeadLetterQueue', 'LookupDeadLetterQueue'],
      reason:
        "Each queue is itself the dead-letter destination of a stream consumer, the reports' or the lookup's (an event source mapping's " +
        'on-failure destination, which cdk-nag does not see); a queue behind it would need an alarm of its own.',
    })),
    {
      rule: 'Serverless::Serverless-LambdaTracing',
      type: 'AWS::Lambda::Function',
      reason:
        'Each request is one function and at most a few DynamoDB calls; the JSON logs carry the request id and ' +
        'the access log the latency. X-Ray can be turned on (provider.tracing) when a slow path needs it.',
    },
    {
      rule: 'Serverless::Serverless-SNSRedrivePolicy',
      ids: ['AlarmEmailSubscription'],
      reason:
        "An e-mail subscription's failed deliveries are retried by SNS; a dead-letter queue for alarm e-mails would " +
        'need an alarm of its own. The alarm states stay visible in CloudWatch.',
    },
    {
      rule: 'CloudFormation-Validate::W3011',
      type: 'AWS::Lambda::Version',
      reason:
        'The framework retains superseded function versions (DeletionPolicy Retain) so that an alias or a rollback ' +
        'can still use them; a version is immutable and never replaced, so UpdateReplacePolicy does not apply.',
    },
  ];
}

/** One stack per package folder, in one app: CDK loads once. Findings name `<folder>: <resource>`. */
function nag(dirs) {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    const app = new App({ outdir });
    const acknowledged = [];
    const folderOf = new Map();
    dirs.forEach((dir, index) => {
      const templateFile = path.join(dir, 'cloudformation-template-update-stack.json');
      const template = JSON.parse(readFileSync(templateFile, 'utf8'));
      const { service } = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
      const stackId = `Package${index}`;
      folderOf.set(stackId, dir);
      const included = new CfnInclude(new Stack(app, stackId), 'Template', { templateFile });
      for (const { rule, ids, type, reason } of acknowledgments(`/${service.service}/${service.provider.stage}/`)) {
        const targets = Object.entries(template.Resources)
          .filter(([id, resource]) => (ids ? ids.includes(id) : resource.Type === type))
          .map(([id]) => id);
        if (targets.length === 0) acknowledged.push(`${rule} at ${dir}: (no such resource)`);
        for (const id of targets) {
          Validations.of(included.getResource(id)).acknowledge({ id: rule, reason });
          acknowledged.push(`${rule} at ${dir}: ${id}`);
        }
      }
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    try {
      app.synth();
    } catch (error) {
      // Findings make synth throw, after writing the report; anything else is a fault of its own.
      if (!existsSync(path.join(outdir, 'validation-report.json'))) throw error;
    }
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')).pluginReports;
    /** `<folder>: <logical id>` of a construct path `Package<n>/Template/<logical id>[ (...)]`. */
    const where = (constructPath) => {
      const [stackId, , resource] = constructPath.split('/');
      return `${folderOf.get(stackId)}: ${resource?.split(' ')[0]}`;
    };
    const suppressed = new Set(
      report.flatMap(({ suppressedViolations = [] }) =>
        suppressedViolations.map(
          ({ acknowledgedId, acknowledgedAt }) => `${acknowledgedId} at ${where(acknowledgedAt)}`,
        ),
      ),
    );
    const violations = report.flatMap(({ pluginName, violations }) =>
      violations.flatMap(({ ruleName, description, violatingConstructs }) =>
        violatingConstructs.map(
          ({ constructPath }) => `${pluginName}::${ruleName} at ${where(constructPath)}: ${description}`,
        ),
      ),
    );
    return { violations, unmatched: acknowledged.filter((key) => !suppressed.has(key)) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { package: { type: 'string', multiple: true, default: ['.serverless'] } } });
const started = Date.now();
const { violations, unmatched } = nag(values.package);
for (const violation of violations) console.error(`not acknowledged: ${violation}`);
for (const stale of unmatched) console.error(`acknowledged, but not found: ${stale}`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (violations.length > 0 || unmatched.length > 0) {
  console.error(`cdk-nag: ${violations.length} finding(s), ${unmatched.length} stale acknowledgment(s) (${seconds} s)`);
  process.exit(1);
}
console.log(`cdk-nag: AwsSolutions and Serverless packs pass on ${values.package.join(', ')} (${seconds} s)`);
