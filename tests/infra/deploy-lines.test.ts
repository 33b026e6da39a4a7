import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectCopy } from '../support/project-copy';
import { documented, readmeCommands, runDocumented } from '../support/readme';
import { conditionHolds, offlineEnv, resourcesOfType, type Template } from '../support/serverless-package';

/**
 * Every `npx serverless deploy` line of README.md and docs/, run as written but for `deploy`, which
 * needs an AWS account: the same line with `package` builds the very template the deploy would
 * send, offline, and the settings the line gives decide what it holds (issue 15, items 8 and 11).
 * In a copy of the project, as tests/infra/readme-redeploy.test.ts; no setting from the shell.
 */
const copy = projectCopy('deploy-lines');
const env = () => {
  const base = offlineEnv({});
  for (const name of ['ALARM_EMAIL', 'ALARM_TOPIC_ARN', 'INDEX_UPGRADE_STEP']) delete base[name];
  return base;
};

const DEPLOY =
  'TCCC_AUTH=basic ALARM_EMAIL=oncall@example.com npx serverless deploy --stage prod --region ap-southeast-1';
const UPGRADE_STEP_1 =
  'TCCC_AUTH=basic ALARM_EMAIL=oncall@example.com INDEX_UPGRADE_STEP=1 npx serverless deploy --stage prod --region ap-southeast-1';
const TO_TOPIC =
  'TCCC_AUTH=basic ALARM_TOPIC_ARN=arn:aws:sns:ap-southeast-1:123456789012:oncall npx serverless deploy --stage prod --region ap-southeast-1';

/** The line with `package` for `deploy`, into a folder of its own: its exit code, output and template. */
async function packageAsDeployed(line: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-line-'));
  try {
    const command = `${line.replace('npx serverless deploy ', 'npx serverless package ')} --package ${dir}`;
    const { code, stdout, stderr } = await runDocumented(command, env(), copy);
    const template: Template | undefined =
      code === 0
        ? JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'))
        : undefined;
    return { code, output: stdout + stderr, template };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The settings a line gives in front of the command, e.g. { TCCC_AUTH: 'basic', ALARM_EMAIL: '…' }. */
const settingsOf = (line: string) =>
  Object.fromEntries(
    [...(line.split('npx serverless')[0] ?? '').matchAll(/\b([A-Z_]+)=(\S+)/g)].map(([, name, value]) => [name, value]),
  );

const table = (template: Template) => template.Resources.CdrTable?.Properties;
const indexNames = (template: Template) =>
  (table(template).GlobalSecondaryIndexes ?? []).map((index: { IndexName: string }) => index.IndexName);

describe('the deploy lines of README.md and docs/, packaged as written', () => {
  const lines = [...new Set(readmeCommands().filter((command) => command.includes('npx serverless deploy ')))];

  it('show the first deploy, the alarm topic, and the index upgrade step by step', () => {
    for (const line of [DEPLOY, UPGRADE_STEP_1, TO_TOPIC]) expect(lines).toContain(documented(line));
    // The upgrade's two deploys, in that order, in one block of docs/operations.md.
    const page = readFileSync(path.join(copy, 'docs', 'operations.md'), 'utf8');
    expect(page).toContain(`${UPGRADE_STEP_1}\n${DEPLOY}\n`);
  });

  it('each packages the template its settings ask for: alarms that reach someone, the indexes of its step', async () => {
    for (const line of lines) {
      const { code, output, template } = await packageAsDeployed(line);
      expect({ line, code, output: code === 0 ? '' : output }).toEqual({ line, code: 0, output: '' });
      if (!template) continue;
      const settings = settingsOf(line);

      // Alarms: the address subscribed, and/or the topic notified by every alarm.
      expect(template.Parameters?.AlarmEmail?.Default).toBe(settings.ALARM_EMAIL ?? '');
      expect(conditionHolds(template, 'NotifyByEmail')).toBe(settings.ALARM_EMAIL !== undefined);
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThanOrEqual(6);
      for (const [, alarm] of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual(
          settings.ALARM_TOPIC_ARN ? [{ Ref: 'AlarmTopic' }, settings.ALARM_TOPIC_ARN] : [{ Ref: 'AlarmTopic' }],
        );
      }

      // The record table: one index more per step, the stream from the first step on, and only
      // the attribute definitions that some key uses (CloudFormation refuses any other).
      expect(indexNames(template)).toEqual(
        settings.INDEX_UPGRADE_STEP === '1' ? ['byEndTime'] : ['byEndTime', 'bySeat'],
      );
      expect(table(template).StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
      const keyed = [table(template).KeySchema, ...table(template).GlobalSecondaryIndexes.map((i: any) => i.KeySchema)]
        .flat()
        .map((key: { AttributeName: string }) => key.AttributeName);
      expect(
        table(template)
          .AttributeDefinitions.map((d: { AttributeName: string }) => d.AttributeName)
          .sort(),
      ).toEqual([...new Set(keyed)].sort());
    }
  }, 600_000);

  it('refuses to package a stage that names nowhere for its alarms, saying what to set', async () => {
    const forgot = await packageAsDeployed(documented(DEPLOY).replace(' ALARM_EMAIL=oncall@example.com', ''));
    expect(forgot.code).not.toBe(0);
    expect(forgot.output).toContain('Alarms would reach nobody: set ALARM_EMAIL');

    const notATopic = await packageAsDeployed(documented(TO_TOPIC).replace(':oncall ', ':oncall.fifo '));
    expect(notATopic.code).not.toBe(0);
    expect(notATopic.output).toContain('is not the ARN of a standard SNS topic');
  }, 120_000);

  it('refuses an upgrade step that does not exist', async () => {
    const wrong = await packageAsDeployed(
      documented(UPGRADE_STEP_1).replace('INDEX_UPGRADE_STEP=1', 'INDEX_UPGRADE_STEP=2'),
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain('INDEX_UPGRADE_STEP=2 is not 1');
  }, 120_000);
});
