// The tables an operator's command works on: the DynamoDB Local of `npm start` by default;
// with --stage S [--region R] a deployed stage, with the operator's AWS credentials;
// --endpoint URL another DynamoDB Local. Table names as serverless.yml gives them.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbCurrentRecords } from '../handler/query/dynamodb-current-records';
import { DynamoDbCurrentVersions } from '../handler/records/dynamodb-current-versions';
import { DynamoDbReportStore } from '../handler/reports/dynamodb-report-store';
import type { RecountDependencies } from '../handler/reports/recount';
import { DEFAULT_DYNAMODB_PORT, LOCAL_STAGE, localEnv } from './local-env.mjs';
import { tableDefinitions } from './local-tables.mjs';

export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

/** The tables' names for `stage`, resolved from infra/ as the deployment resolves them. */
function tableNames(stage: string): { records: string; quarantine: string; reports: string; privacy: string } {
  const names = Object.fromEntries(tableDefinitions(stage).map((table) => [table.logicalId, table.TableName]));
  return {
    records: names.CdrTable as string,
    quarantine: names.QuarantineTable as string,
    reports: names.ReportTable as string,
    privacy: names.PrivacyTable as string,
  };
}

/** Against a deployed stage: --stage without --endpoint (the operator's AWS credentials). */
export const deployedStage = (args: string[]): string | undefined =>
  option(args, '--endpoint') === undefined ? option(args, '--stage') : undefined;

/**
 * The environment a command reads the stage's secrets from: SSM under the stage's path
 * (serverless.yml's custom.secretsPath) with --stage, the shell's TCCC_* variables otherwise.
 */
export function operatorSecretsEnv(args: string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const stage = deployedStage(args);
  return { ...env, TCCC_SECRETS_PATH: stage ? `/tccc-cdr-receiver/${stage}/` : '' };
}

export function operatorTables(args: string[]): {
  client: DynamoDBClient;
  records: string;
  quarantine: string;
  reports: string;
  privacy: string;
} {
  const stage = option(args, '--stage');
  const region = option(args, '--region');
  const endpoint = option(args, '--endpoint');
  let client: DynamoDBClient;
  if (stage && !endpoint) {
    client = new DynamoDBClient(region ? { region } : {});
  } else {
    const env = localEnv(endpoint ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT}`);
    client = new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
  }
  return { client, ...tableNames(stage ?? LOCAL_STAGE) };
}

/** What a recount reads and writes (npm run recount, and npm run erase for the erased sessions' days). */
export function recountDependencies(args: string[]): RecountDependencies {
  const { client, records, reports } = operatorTables(args);
  return {
    reports: new DynamoDbReportStore(client, reports),
    records: new DynamoDbCurrentRecords(client, records),
    versions: new DynamoDbCurrentVersions(client, records),
    now: () => Date.now() / 1000,
  };
}
