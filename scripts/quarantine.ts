#!/usr/bin/env -S npx tsx
// `npm run quarantine -- <command>`: inspect and replay refused pushes.
//   list                      one line per quarantined push
//   show <id>                 the entry, body as text
//   replay <id> | --all       run it through validation and the store again; removes it when stored
// Against the DynamoDB Local of `npm start` by default; with --stage S [--region R] against
// that deployed stage, with your AWS credentials (the functions themselves cannot list or delete);
// --endpoint URL points at another DynamoDB Local.
import { escapeControls, terminalJson } from '../handler/common/escape';
import { replayQuarantined } from '../handler/intake/quarantine-push';
import { DynamoDbQuarantineStore } from '../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../handler/records/dynamodb-record-store';
import type { QuarantinedPush } from '../handler/records/quarantine';
import { operatorTables } from './operator-stores';

function stores(args: string[]) {
  const { client, records, quarantine } = operatorTables(args);
  return {
    records: new DynamoDbRecordStore(client, records),
    quarantine: new DynamoDbQuarantineStore(client, quarantine),
  };
}

/**
 * Everything printed is stored client text or derived from it: every control and bidi
 * character is shown escaped, so nothing in an entry can clear the screen, retitle the
 * window, rewrite a line or reorder what the operator reads.
 */
const plain = (value: unknown): string => escapeControls(String(value));

const summary = (entry: QuarantinedPush) =>
  [
    plain(entry.id),
    plain(entry.receivedAt),
    `ErrCode ${plain(entry.errCode)}`,
    `${plain(entry.bodySize)} B${entry.bodyTruncated ? ' (truncated)' : ''}`,
    `action=${plain(entry.query?.action ?? '')}`,
    plain(String(entry.errMsg).slice(0, 120)),
  ].join('  ');

async function main(args: string[]): Promise<number> {
  const [command, target] = args;
  const { records, quarantine } = stores(args);
  const entries = await quarantine.list();
  if (command === 'list') {
    for (const entry of entries) console.log(summary(entry));
    console.log(`${entries.length} quarantined push(es)`);
    return 0;
  }
  if (command === 'show' && target) {
    const entry = entries.find((candidate) => candidate.id === target);
    if (!entry) throw new Error(`no quarantined push ${plain(target)}`);
    console.log(terminalJson({ ...entry, body: Buffer.from(entry.body).toString('utf8') }, 2));
    return 0;
  }
  if (command === 'replay' && target) {
    const chosen = target === '--all' ? entries : entries.filter((candidate) => candidate.id === target);
    if (chosen.length === 0) throw new Error(`no quarantined push ${plain(target)}`);
    let failed = 0;
    for (const entry of chosen) {
      const result = await replayQuarantined(entry, records);
      if ('outcome' in result) {
        await quarantine.remove(entry.id);
        console.log(`${plain(entry.id)}: ${result.outcome}; removed from the quarantine`);
      } else {
        failed++;
        console.log(`${plain(entry.id)}: still refused (${plain(result.refused)}); kept`);
      }
    }
    return failed === 0 ? 0 : 1;
  }
  console.error(
    'usage: npm run quarantine -- list | show <id> | replay <id>|--all  [--stage S] [--region R] [--endpoint URL]',
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`quarantine: ${plain(error.message)}`);
    process.exit(1);
  },
);
