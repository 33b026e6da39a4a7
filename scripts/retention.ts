// `npm run retention`: shows the retention setting and how many stored items would get another
// expiry; with --apply, stamps them (docs/privacy.md). Reads RETENTION_DAYS and
// RETENTION_DAYS_<TYPE> from the shell, as `serverless deploy` does: run it with the same.
// Against npm start's DynamoDB Local by default; --stage S [--region R] for a deployed stage;
// --endpoint URL for another DynamoDB Local.
import { escapeControls } from '../handler/common/escape';
import { appendAudit, auditDaysOf } from '../handler/privacy/audit-trail';
import { restamp } from '../handler/privacy/restamp';
import { describePolicy } from '../handler/records/retention';
import { operatorTables } from './operator-stores';
import { ACTIONS, operatorIdentity, operatorRetention } from './privacy-operator';

async function main(args: string[]): Promise<number> {
  const apply = args.includes('--apply');
  const policy = operatorRetention();
  const keepAuditDays = auditDaysOf(process.env);
  const tables = operatorTables(args);
  console.log(`retention: ${describePolicy(policy, ACTIONS)}`);
  const who = await operatorIdentity(args);
  const counts = await restamp(tables.client, tables, policy, apply);
  const will = apply ? '' : 'to be ';
  console.log(
    `retention: ${counts.checked} item(s) checked, ${counts.stamped} ${will}stamped, ${counts.cleared} ${will}cleared (kept forever), ${counts.skipped} replaced meanwhile${apply ? '' : '; nothing changed: --apply stamps them'}`,
  );
  await appendAudit(
    tables.client,
    tables.privacy,
    { at: new Date().toISOString(), who, command: 'retention', dryRun: !apply, counts: { ...counts } },
    keepAuditDays,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm run retention: ${escapeControls(error.message)}`);
    process.exit(1);
  },
);
