import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectCopy } from '../support/project-copy';
import { documented, readmeCommands, runDocumented } from '../support/readme';
import { offlineEnv } from '../support/serverless-package';

/**
 * The README's "deploying a stage again" lines that run offline, as written, one after the
 * other: `TCCC_AUTH=basic ALARM_EMAIL=oncall@example.com npx serverless package --stage prod --region ap-southeast-1`, then
 * `npm run reattach` and `npm run nag`, both on the `.serverless/` it wrote. They write into the
 * project folder, so they run in a copy of it (node_modules linked), out of the way of the other
 * tests' packages and of a concurrent `npm start`'s bundles. No AWS credentials at all.
 */
const copy = projectCopy('readme-redeploy');

const run = (command: string) => runDocumented(command, offlineEnv({}), copy);
const packaged = (file: string) => JSON.parse(readFileSync(path.join(copy, '.serverless', file), 'utf8'));
const PACKAGE =
  'TCCC_AUTH=basic ALARM_EMAIL=oncall@example.com npx serverless package --stage prod --region ap-southeast-1';
const RETAINED = [
  'AggregateLogGroup',
  'CdrTable',
  'HttpApiLogGroup',
  'LookupLogGroup',
  'PrivacyTable',
  'PushLogGroup',
  'QuarantineTable',
  'ReadLogGroup',
  'ReportTable',
  'ReportsLogGroup',
];
const imported = () =>
  packaged('reattach-resources.json')
    .map((entry: { LogicalResourceId: string }) => entry.LogicalResourceId)
    .sort();

describe('the README’s lines for deploying a stage again, run as written (the offline ones)', () => {
  it('packages the stage into .serverless/, writes the import there and prints the README’s very aws lines; cdk-nag passes it', async () => {
    const pack = await run(documented(PACKAGE));
    expect(pack.code).toBe(0);
    expect(pack.stdout + pack.stderr).toContain('Packaging tccc-cdr-receiver for stage prod (ap-southeast-1)');
    const template = packaged('cloudformation-template-update-stack.json');
    expect(template.Resources.CdrTable.Properties.TableName).toBe('tccc-cdr-receiver-prod-cdrs');

    const reattach = await run(documented('npm run reattach'));
    expect(reattach.code).toBe(0);
    const printed = reattach.stdout.split('\n').filter((line) => line.startsWith('aws '));
    // Character for character what the README tells the operator to run next.
    expect(printed).toEqual(readmeCommands().filter((command) => command.startsWith('aws cloudformation ')));
    expect(imported()).toEqual(RETAINED);
    expect(Object.keys(packaged('reattach-template.json').Resources)).toEqual(
      expect.arrayContaining(['ServerlessDeploymentBucket', ...RETAINED]),
    );

    const nag = await run(documented('npm run nag'));
    expect(nag.code).toBe(0);
    expect(nag.stdout).toContain('cdk-nag: AwsSolutions and Serverless packs pass on .serverless');
  }, 240_000);

  it('npm run reattach -- --skip TokenLogGroup: leaves the token function’s log group out of an oauth2 stage’s import', async () => {
    // "the stage's settings", says the README's comment: this stage runs oauth2.
    const pack = await run(documented(PACKAGE).replace('TCCC_AUTH=basic', 'TCCC_AUTH=oauth2'));
    expect(pack.code).toBe(0);
    expect((await run(documented('npm run reattach'))).code).toBe(0);
    expect(imported()).toEqual([...RETAINED, 'TokenLogGroup'].sort());

    const skipped = await run(documented('npm run reattach -- --skip TokenLogGroup'));
    expect(skipped.code).toBe(0);
    expect(imported()).toEqual(RETAINED);
  }, 240_000);

  it('says in one line what is wrong, rather than a stack trace', async () => {
    // The basic stage has no token function: nothing named TokenLogGroup to leave out.
    expect((await run(documented(PACKAGE))).code).toBe(0);
    const wrong = await run(documented('npm run reattach -- --skip TokenLogGroup'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('npm run reattach: --skip TokenLogGroup: no such resource in the packaged template');
    expect(wrong.stderr).not.toMatch(/^\s+at /m);
  }, 240_000);
});
