#!/usr/bin/env -S npx tsx
// `npm run migrate`: moves records stored by the first layout (video CDRs under CURRENT and
// VERSION#... sort keys) into today's (R#<action>#<key>, V#...). Run it once after deploying
// this version; it is idempotent. Against `npm start`'s DynamoDB Local by default, or
// --stage S [--region R] for a deployed stage (your AWS credentials), --endpoint URL.
import { migrateLegacyLayout } from '../handler/intake/migrate-legacy';
import { DynamoDbRecordStore } from '../handler/records/dynamodb-record-store';
import { operatorTables } from './operator-stores';

async function main(args: string[]): Promise<number> {
  const { client, records } = operatorTables(args);
  const report = await migrateLegacyLayout(client, records, new DynamoDbRecordStore(client, records));
  console.log(
    `migrate ${records}: ${report.sessions} session(s), ${report.versions} version(s) stored, ` +
      `${report.removedItems} legacy item(s) removed, ${report.refused.length} refused`,
  );
  for (const { sessionId, reason } of report.refused)
    console.log(`  kept in the legacy layout: ${sessionId}: ${reason}`);
  return report.refused.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`migrate: ${error.name}: ${error.message}`);
    process.exit(1);
  },
);
