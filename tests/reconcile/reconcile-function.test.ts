// Before the handler's modules load: metrics on, so that they can be read from the EMF lines.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rawItems } from '../support/dynamodb';
import { captureJsonLines, emfMetrics } from '../support/emf';
import { userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { ssmOperatorEnv, ssmStandIn } from '../support/ssm-stand-in';
import { type Failure, tcccApiStandIn } from '../support/tccc-api-stand-in';
import { tcccDay } from '../support/tccc-day';

/**
 * The scheduled function as deployed: docs/reconcile.md's `aws ssm put-parameter` lines, run as
 * written with the AWS CLI against an SSM stand-in, store the TCCC API keys; a fresh container of
 * handler/functions/reconcile.ts reads them from SSM (TCCC_SECRETS_PATH, not the environment), reconciles
 * the last RECONCILE_LOOKBACK_HOURS against the TCCC API stand-in, and writes its metrics as EMF.
 */
const SECRET_ID = 'AKIDdocs0000000000000000000000000000';
const SECRET_KEY = 'docs-secret-key-00000000000000000000';
const SSM = ssmStandIn();
const work = mkdtempSync(path.join(os.tmpdir(), 'reconcile-ssm-'));
const NOW = Math.floor(Date.now() / 1000);
const SDK_APP_ID = 1_400_900_001;
// Calls over the last 5 hours: within the 6-hour look-back.
const day = tcccDay({ day: NOW - 5 * 3600, sdkAppId: SDK_APP_ID, calls: 12, chats: 4 });
// Spread over a day by tcccDay: brought within the window.
for (const call of day.telCdrs) call.StartTimestamp = Math.min(call.StartTimestamp, NOW - 3600);
for (const chat of day.imCdrs) chat.Timestamp = Math.min(chat.Timestamp, NOW - 3600);
let operatorEnv: NodeJS.ProcessEnv;
const saved = { ...process.env };

beforeAll(async () => {
  const endpoint = await SSM.start();
  operatorEnv = ssmOperatorEnv(endpoint, work, userEnv({}));
  process.env.AWS_ENDPOINT_URL_SSM = endpoint;
});
afterAll(async () => {
  process.env = saved;
  await SSM.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh container of the function, deployed-style: secrets from SSM under the stage path. */
async function invoke(tcccEndpoint: string) {
  Object.assign(process.env, {
    TCCC_SECRETS_PATH: '/tccc-cdr-receiver/prod/',
    TCCC_SDK_APP_IDS: String(SDK_APP_ID),
    TCCC_API_ENDPOINT: `http://${tcccEndpoint}`,
    RECONCILE_LOOKBACK_HOURS: '6',
  });
  delete process.env.IS_OFFLINE;
  delete process.env.IS_LOCAL;
  delete process.env.TCCC_API_SECRET_ID;
  delete process.env.TCCC_API_SECRET_KEY;
  let result: unknown;
  let thrown: unknown;
  const lines = await captureJsonLines(async () => {
    await jest.isolateModulesAsync(async () => {
      const { handler } = await import('../../handler/functions/reconcile');
      try {
        result = await handler({});
      } catch (error) {
        thrown = error;
      }
    });
  });
  return { result, thrown, lines, metrics: emfMetrics(lines) };
}

const metricValue = (lines: Array<Record<string, any>>, name: string, action?: string) =>
  lines.find((line) => name in line && (action === undefined ? !('action' in line) : line.action === action))?.[name];

describe('the scheduled reconcile function, its keys put in SSM by docs/reconcile.md’s lines', () => {
  it('reads the keys from SSM, backfills the last 6 hours, and counts missing, backfilled and failures', async () => {
    const lines = [
      "aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/api-secret-id --value '…'",
      "aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/api-secret-key --value '…'",
    ].map((line) => documented(line));
    const script = ['set -e', lines[0]?.replace("'…'", `'${SECRET_ID}'`), lines[1]?.replace("'…'", `'${SECRET_KEY}'`)];
    const ran = await runDocumented(script.join('\n'), operatorEnv, work);
    expect(ran.code).toBe(0);
    expect(SSM.parameters.get('/tccc-cdr-receiver/prod/api-secret-key')).toMatchObject({
      type: 'SecureString',
      value: SECRET_KEY,
    });

    const standIn = tcccApiStandIn(
      { telCdrs: { [SDK_APP_ID]: day.telCdrs }, imCdrs: { [SDK_APP_ID]: day.imCdrs } },
      { secretId: SECRET_ID, secretKey: SECRET_KEY },
    );
    const endpoint = await standIn.start();
    try {
      const first = await invoke(endpoint);
      expect(first.thrown).toBeUndefined();
      // The window asked for: the last 6 hours, as TCCC's parameters spell it.
      const asked = standIn.requests.find((r) => r.action === 'DescribeTelCdr')?.params as {
        StartTimeStamp: number;
        EndTimeStamp: number;
      };
      expect(asked.EndTimeStamp - asked.StartTimeStamp).toBe(6 * 3600);
      expect(Math.abs(asked.EndTimeStamp - NOW)).toBeLessThan(120);
      expect(standIn.requests.every((r) => r.error === undefined)).toBe(true);
      const recordings = day.calls.reduce((n, call) => n + call.records.length, 0);
      expect(metricValue(first.lines, 'ReconcileMissing', 'cdr')).toBe(12);
      expect(metricValue(first.lines, 'ReconcileBackfilled', 'record')).toBe(recordings);
      expect(metricValue(first.lines, 'ReconcileMissing', 'imcdr')).toBe(4);
      expect(metricValue(first.lines, 'ReconcileMissing')).toBe(12 + recordings + 4);
      expect(metricValue(first.lines, 'ReconcileFailures')).toBe(0);
      // On exactly the metrics the alarms watch: namespace, name, dimension service alone.
      expect(first.metrics).toEqual(
        expect.arrayContaining([
          { namespace: 'TcccCdrReceiver', name: 'ReconcileMissing', dimensions: { service: 'tccc-cdr-receiver' } },
          { namespace: 'TcccCdrReceiver', name: 'ReconcileFailures', dimensions: { service: 'tccc-cdr-receiver' } },
        ]),
      );
      expect((await rawItems(day.calls[0]?.sessionId as string)).length).toBeGreaterThan(0);
      // No personal data in the log: the chats' nicknames, the callers' numbers.
      expect(JSON.stringify(first.lines)).not.toMatch(/visitor|0086138/);

      const second = await invoke(endpoint);
      expect(metricValue(second.lines, 'ReconcileMissing', 'cdr')).toBe(0);
      expect(metricValue(second.lines, 'ReconcileBackfilled')).toBe(0);
    } finally {
      await standIn.stop();
    }
  }, 120_000);

  it('a failing page, or keys TCCC refuses, count as failures; the run goes on', async () => {
    const failures: Failure[] = [{ action: 'DescribeIMCdrList', code: 'InternalError' }];
    const standIn = tcccApiStandIn(
      { imCdrs: { [SDK_APP_ID]: day.imCdrs } },
      { secretId: SECRET_ID, secretKey: SECRET_KEY, failures },
    );
    const endpoint = await standIn.start();
    try {
      const failing = await invoke(endpoint);
      expect(failing.thrown).toBeUndefined();
      expect(metricValue(failing.lines, 'ReconcileFailures')).toBe(1);
    } finally {
      await standIn.stop();
    }
    const wrongKeys = tcccApiStandIn({}, { secretId: SECRET_ID, secretKey: 'rotated-at-tccc' });
    const other = await wrongKeys.start();
    try {
      // Every page refused for its signature: reported per page, the run goes on and says so.
      const refused = await invoke(other);
      expect(metricValue(refused.lines, 'ReconcileFailures')).toBe(2);
      expect(wrongKeys.requests.map((r) => r.error)).toEqual([
        'AuthFailure.SignatureFailure',
        'AuthFailure.SignatureFailure',
      ]);
    } finally {
      await wrongKeys.stop();
    }
  }, 120_000);
});
