// `npm run reconcile -- --from <t> --to <t> [--dry-run] [--stage S --region R]`: compares what
// TCCC's pull APIs list for the window with what the table holds, and backfills what is missing
// (docs/reconcile.md). Times are ISO 8601 or Unix seconds. Settings and TCCC keys from the
// environment (handler/reconcile/settings.ts); with --stage, the keys from the stage's SSM
// parameters. Against npm start's DynamoDB Local by default, like the other operator commands.

import { reconcile } from '../handler/reconcile/reconcile';
import { recordsWithoutCdr } from '../handler/reconcile/records-without-cdr';
import { reportText } from '../handler/reconcile/report-text';
import { reconcileSettings, tcccApiSettings } from '../handler/reconcile/settings';
import { StoredKeys } from '../handler/reconcile/stored-keys';
import { commonClientSend, createTcccApi } from '../handler/reconcile/tccc-api';
import { DynamoDbRecordWriter } from '../handler/records/dynamodb-record-writer';
import { operatorSecretsEnv, operatorTables, option } from './operator-stores';

function instant(args: string[], name: string): number {
  const text = option(args, name);
  if (text === undefined) throw new Error(`${name} <time> is required (ISO 8601 or Unix seconds)`);
  const seconds = /^\d+$/.test(text) ? Number(text) : Date.parse(text) / 1000;
  if (!Number.isFinite(seconds)) throw new Error(`${name}: ${text.slice(0, 40)} is not a time`);
  return Math.floor(seconds);
}

async function main() {
  const args = process.argv.slice(2);
  const from = instant(args, '--from');
  const to = instant(args, '--to');
  if (to <= from) throw new Error('--to must be after --from');
  const region = option(args, '--region');
  if (region) process.env.AWS_REGION = region;
  const settings = reconcileSettings(process.env);
  // With --stage, the keys come from the stage's SSM parameters unless the shell gives them.
  const secretsEnv = process.env.TCCC_API_SECRET_ID
    ? { ...process.env, TCCC_SECRETS_PATH: '' }
    : operatorSecretsEnv(args);
  const api = createTcccApi(commonClientSend(await tcccApiSettings(secretsEnv)));
  const { client, records } = operatorTables(args);
  const storedKeys = new StoredKeys(client, records);
  const window = { from, to: to - 1 };
  const report = await reconcile(
    {
      sdkAppIds: settings.sdkAppIds,
      protectedSdkAppIds: settings.protectedSdkAppIds,
      window,
      dryRun: args.includes('--dry-run'),
    },
    { api, storedKeys, writer: new DynamoDbRecordWriter(client, records) },
  );
  const lonely = await recordsWithoutCdr(
    storedKeys,
    window,
    settings.recordDelaySeconds,
    Math.floor(Date.now() / 1000),
  );
  console.log(
    reportText(report, {
      sdkAppIds: settings.sdkAppIds,
      recordsWithoutCdr: lonely,
      delayMinutes: settings.recordDelaySeconds / 60,
      readUnits: Math.round(storedKeys.readUnits * 10) / 10,
    }),
  );
  client.destroy();
  if (report.failureCount > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(`npm run reconcile: ${error.message}`);
  process.exit(1);
});
