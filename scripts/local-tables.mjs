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
  UpdateTableCommand,
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

const streamOf = (table) =>
  table.StreamSpecification
    ? { StreamEnabled: true, StreamViewType: table.StreamSpecification.StreamViewType }
    : undefined;

/**
 * A table kept in .dynamodb/ by an older checkout gets what infra/ added since: its
 * indexes (one per UpdateTable, as DynamoDB wants) and its stream.
 */
async function addMissingParts(client, table, existing) {
  const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.TableName,
        AttributeDefinitions: table.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
  if (table.StreamSpecification && !existing.StreamSpecification?.StreamEnabled) {
    await client.send(new UpdateTableCommand({ TableName: table.TableName, StreamSpecification: streamOf(table) }));
  }
}

/** Creates each missing table of `stage` in the DynamoDB at `endpoint`; returns name by logical id. */
export async function ensureLocalTables(endpoint, stage) {
  const client = localClient(endpoint);
  const names = {};
  for (const table of tableDefinitions(stage)) {
    names[table.logicalId] = table.TableName;
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table.TableName }));
      await addMissingParts(client, table, Table);
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
        StreamSpecification: streamOf(table),
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
