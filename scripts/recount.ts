// `npm run recount -- --from <t> --to <t> [--action <type>]`: rebuilds the reports' aggregates
// of a range from the stored records (handler/reports/recount.ts): after a dead-lettered
// batch, or aggregates deleted or damaged. Idempotent and safe while pushes arrive.
// Against npm start's DynamoDB Local by default; --stage S [--region R] for a deployed stage
// (your AWS credentials); --endpoint URL for another DynamoDB Local.
import { SESSION_ACTIONS } from '../handler/push-types/push-registry';
import { parseRange } from '../handler/query/instants';
import { recount } from '../handler/reports/recount';
import { option, recountDependencies } from './operator-stores';

async function main() {
  const args = process.argv.slice(2);
  const { fromSeconds, toSeconds } = parseRange({ from: option(args, '--from') ?? '', to: option(args, '--to') ?? '' });
  const action = option(args, '--action');
  if (action !== undefined && !SESSION_ACTIONS.includes(action)) {
    throw new Error(`--action must be one of ${SESSION_ACTIONS.join(', ')} (the types the reports count)`);
  }
  const deps = recountDependencies(args);
  for (const type of action === undefined ? SESSION_ACTIONS : [action]) {
    const totals = await recount(deps, type, fromSeconds, toSeconds);
    console.log(
      `recount ${type}: ${totals.days} day(s), ${totals.records} record(s); ${totals.written} contribution(s) written, ${totals.removed} removed; ${totals.rolledUp} day(s) rolled up`,
    );
  }
}

main().catch((error: Error) => {
  console.error(`npm run recount: ${error.message}`);
  process.exit(1);
});
