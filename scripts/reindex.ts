// `npm run reindex`: gives records stored before the query indexes and reports existed their
// index keys (handler/query/reindex.ts); the stream then brings them into the reports.
// Against npm start's DynamoDB Local by default; --stage S [--region R] for a deployed stage
// (your AWS credentials); --endpoint URL for another DynamoDB Local.
import { reindexCurrentItems } from '../handler/query/reindex';
import { operatorTables } from './operator-stores';

async function main() {
  const { client, records } = operatorTables(process.argv.slice(2));
  const { indexed, skipped } = await reindexCurrentItems(client, records);
  console.log(`reindex ${records}: ${indexed} record(s) indexed, ${skipped} replaced meanwhile (already indexed)`);
}

main().catch((error: Error) => {
  console.error(`npm run reindex: ${error.message}`);
  process.exit(1);
});
