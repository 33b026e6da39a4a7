// `npm run privacy-index`: writes the person lookup's items of every stored record, for the
// records its stream consumer never read: stored before the lookup existed (an upgraded stage),
// or in a batch that went to the lookup's dead-letter queue (docs/privacy.md). Idempotent, safe
// while pushes go on, and audited. Against npm start's DynamoDB Local by default; --stage S
// [--region R] for a deployed stage (the hash key from its SSM path, your AWS credentials);
// --endpoint URL for another DynamoDB Local.
import { escapeControls } from '../handler/common/escape';
import { appendAudit, auditDaysOf } from '../handler/privacy/audit-trail';
import { indexLookups } from '../handler/privacy/index-lookups';
import { operatorTables } from './operator-stores';
import { operatorHashKey, operatorIdentity } from './privacy-operator';

async function main(args: string[]): Promise<number> {
  const keepAuditDays = auditDaysOf(process.env);
  const tables = operatorTables(args);
  const [key, who] = await Promise.all([operatorHashKey(args), operatorIdentity(args)]);
  const counts = await indexLookups(tables.client, tables, key);
  console.log(
    `privacy-index: ${counts.records} record item(s) read, ${counts.written} lookup item(s) written, ` +
      `${counts.corrected} record(s) changed meanwhile and written again, ${counts.unsettled} still changing` +
      (counts.unsettled > 0 ? ': run it again' : ''),
  );
  await appendAudit(
    tables.client,
    tables.privacy,
    { at: new Date().toISOString(), who, command: 'privacy-index', dryRun: false, counts: { ...counts } },
    keepAuditDays,
  );
  return counts.unsettled > 0 ? 4 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm run privacy-index: ${escapeControls(error.message)}`);
    process.exit(1);
  },
);
