// Creates, in DynamoDB Local, the tables that infra/*.yml defines for AWS: one
// definition serves both, so the local table cannot drift from the deployed one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { load as loadYaml } from 'js-yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves the few Serverless variables infra/ uses: ${self:service}, ${sls:stage}, ${self:custom.*}. */
function resolver(stage) {
  const config = loadYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8'));
  const resolve = (text) =>
    text.replace(/\$\{(self:service|sls:stage|self:custom\.([\w.-]+))\}/g, (_, name, custom) => {
      if (name === 'self:service') return config.service;
      if (name === 'sls:stage') return stage;
      return resolve(String(config.custom[custom]));
    });
  return resolve;
}

/** The AWS::DynamoDB::Table resources of infra/, with names resolved for `stage`. */
export function tableDefinitions(stage) {
  const resolve = resolver(stage);
  const tables = [];
  for (const file of readdirSync(path.join(root, 'infra')).filter((name) => name.endsWith('.yml'))) {
    const doc = loadYaml(resolve(readFileSync(path.join(root, 'infra', file), 'utf8')));
    for (const [logicalId, resource] of Object.entries(doc?.Resources ?? {})) {
      if (resource.Type === 'AWS::DynamoDB::Table') tables.push({ logicalId, ...resource.Properties });
    }
  }
  return tables;
}

export function localClient(endpoint) {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates each missing table of `stage` in the DynamoDB at `endpoint`; returns name by logical id. */
export async function ensureLocalTables(endpoint, stage) {
  const client = localClient(endpoint);
  const names = {};
  for (const table of tableDefinitions(stage)) {
    names[table.logicalId] = table.TableName;
    try {
      await client.send(new DescribeTableCommand({ TableName: table.TableName }));
      continue;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(
      new CreateTableCommand({
        TableName: table.TableName,
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        BillingMode: table.BillingMode,
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
      }),
    );
    if (table.TimeToLiveSpecification) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: table.TableName,
          TimeToLiveSpecification: table.TimeToLiveSpecification,
        }),
      );
    }
  }
  client.destroy();
  return names;
}
