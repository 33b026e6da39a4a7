// `npm run erase`: erases one person's records everywhere (docs/privacy.md).
//   --phone <number> | --user <id> | --session <SessionId>   who or what; [--dry-run] lists only
//   --audit                                                   prints the audit trail
// Against npm start's DynamoDB Local by default; --stage S [--region R] for a deployed stage
// (your AWS credentials, the PrivacyOperatorPolicy); --endpoint URL for another DynamoDB Local.
// Prints SessionIds, push types and counts, never the personal values asked for or found.

import { causeOf } from '../handler/common/errors';
import { escapeControls } from '../handler/common/escape';
import { appendAudit, auditDaysOf, readAudit } from '../handler/privacy/audit-trail';
import { recountErasedDays } from '../handler/privacy/erased-reports';
import { type ErasedRecord, Erasure, type ErasurePlan, type Subject } from '../handler/privacy/erasure';
import { operatorTables, option, recountDependencies } from './operator-stores';
import { operatorHashKey, operatorIdentity } from './privacy-operator';

/**
 * More sessions than this are erased only with --confirm <their number>: a number in every
 * session (the centre's own line, a shared test number) would otherwise erase the whole history.
 */
export const CONFIRM_ABOVE_SESSIONS = 100;

const USAGE =
  'usage: npm run erase -- --phone <number> | --user <id> | --session <SessionId> [--dry-run] [--confirm <sessions>] | --audit  [--stage S --region R | --endpoint URL]';

function subjectOf(args: string[]): Subject | undefined {
  const asked = (['phone', 'user', 'session'] as const)
    .filter((kind) => args.includes(`--${kind}`))
    .map((kind) => ({ kind, value: option(args, `--${kind}`) ?? '' }));
  if (asked.length !== 1 || !asked[0]?.value || asked[0].value.startsWith('--')) return undefined;
  return asked[0] as Subject;
}

const plain = (text: string) => escapeControls(text);

function totalsOf(plan: ErasurePlan) {
  const totals = { sessions: plan.sessions.length, records: 0, versions: 0, quarantine: plan.quarantineIds.length };
  for (const session of plan.sessions) {
    for (const counts of Object.values(session.types)) {
      totals.records += counts.current;
      totals.versions += counts.versions;
    }
  }
  return totals;
}

function report(plan: ErasurePlan, verb: string): void {
  for (const session of plan.sessions) {
    const types = Object.entries(session.types);
    for (const [action, counts] of types) {
      console.log(
        `${plain(session.sessionId)}  ${action}  ${counts.current} current, ${counts.versions} older version(s)`,
      );
    }
    if (types.length === 0)
      console.log(`${plain(session.sessionId)}  nothing stored${session.alreadyErased ? ' (erased before)' : ''}`);
  }
  for (const id of plan.quarantineIds) console.log(`quarantine ${plain(id)}`);
  const totals = totalsOf(plan);
  console.log(
    `${verb}: ${totals.sessions} session(s), ${totals.records} record(s), ${totals.versions} older version(s), ${totals.quarantine} quarantine entr${totals.quarantine === 1 ? 'y' : 'ies'}`,
  );
}

async function printAudit(args: string[]): Promise<void> {
  const { client, privacy } = operatorTables(args);
  for (const entry of await readAudit(client, privacy)) {
    // Alphabetical: a stored map keeps no order.
    const counts = Object.entries(entry.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name}=${count}`)
      .join(' ');
    const asked = entry.asked ? `${entry.asked.kind}#${entry.asked.hash}` : '-';
    console.log(
      `${entry.at}  ${plain(entry.who)}  ${entry.command}${entry.dryRun ? ' (dry run)' : ''}  ${asked}  ${counts}${entry.failed ? `  FAILED: ${plain(entry.failed)}` : ''}`,
    );
    for (const session of entry.sessions ?? []) {
      const types = Object.entries(session.types).map(([action, n]) => `${action} ${n.current}+${n.versions}`);
      console.log(`    ${plain(session.sessionId)}  ${types.join(', ')}`);
    }
    if (entry.sessionsOmitted) console.log(`    and ${entry.sessionsOmitted} more session(s)`);
  }
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--audit')) {
    await printAudit(args);
    return 0;
  }
  const subject = subjectOf(args);
  if (!subject) {
    console.error(USAGE);
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const keepAuditDays = auditDaysOf(process.env);
  const tables = operatorTables(args);
  const [key, who] = await Promise.all([operatorHashKey(args), operatorIdentity(args)]);
  const erasure = new Erasure(tables, key);
  const plan = await erasure.plan(subject);
  const audit = (failed?: string) =>
    appendAudit(
      tables.client,
      tables.privacy,
      {
        at: new Date().toISOString(),
        who,
        command: 'erase',
        dryRun,
        asked: { kind: subject.kind, hash: plan.askedHash },
        sessions: plan.sessions.map(({ sessionId, types }) => ({ sessionId, types })),
        counts: totalsOf(plan),
        ...(failed !== undefined && { failed }),
      },
      keepAuditDays,
    );
  const confirmed = option(args, '--confirm') === String(plan.sessions.length);
  if (!dryRun && plan.sessions.length > CONFIRM_ABOVE_SESSIONS && !confirmed) {
    console.error(
      `npm run erase: ${plan.sessions.length} sessions match, more than ${CONFIRM_ABOVE_SESSIONS}; nothing erased. ` +
        `List them with --dry-run; if they are all this person's, run again with --confirm ${plan.sessions.length}.`,
    );
    await audit(`refused: more than ${CONFIRM_ABOVE_SESSIONS} sessions without --confirm`);
    return 3;
  }
  let erased: ErasedRecord[] = [];
  try {
    erased = dryRun ? [] : await erasure.erase(plan);
  } catch (error) {
    // The auditor sees the attempt, and that it may have erased part of what it lists.
    await audit(causeOf(error));
    throw error;
  }
  report(plan, dryRun ? 'would erase' : 'erased');
  if (erased.length > 0)
    console.log(`reports: ${await recountErasedDays(recountDependencies(args), erased)} day(s) recounted without them`);
  await audit();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm run erase: ${escapeControls(error.message)}`);
    process.exit(1);
  },
);
