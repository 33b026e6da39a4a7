import { escapeControls } from '../common/escape';
import { RECONCILED_TYPES, type ReconcileReport, UNRECONCILABLE } from './reconcile';
import type { RecordWithoutCdr } from './records-without-cdr';

/**
 * The reconcile report as an operator reads it in a terminal: per type, found at TCCC, stored
 * here, missing, backfilled; what cannot be reconciled; what is listed rather than stored; what
 * failed. Every value from TCCC or the table is escaped (a SessionId could hold terminal controls).
 */
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const shown = (value: unknown) => escapeControls(String(value));

export function reportText(
  report: ReconcileReport,
  extra: {
    sdkAppIds: readonly number[];
    recordsWithoutCdr: readonly RecordWithoutCdr[];
    delayMinutes: number;
    readUnits: number;
  },
): string {
  const lines: string[] = [];
  lines.push(
    `reconcile ${iso(report.window.from)} to ${iso(report.window.to + 1)}, SdkAppId ${extra.sdkAppIds.join(', ')}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  lines.push(
    `${'type'.padEnd(10)}${'found at TCCC'.padStart(14)}${'stored here'.padStart(13)}${'missing'.padStart(9)}${'backfilled'.padStart(12)}`,
  );
  for (const type of RECONCILED_TYPES) {
    const c = report.types[type];
    const note = type === 'imcdr' ? '  (listed below, never backfilled)' : '';
    lines.push(
      `${type.padEnd(10)}${String(c.found).padStart(14)}${String(c.stored).padStart(13)}${String(c.missing).padStart(9)}${String(c.backfilled).padStart(12)}${note}`,
    );
  }
  for (const [type, why] of Object.entries(UNRECONCILABLE))
    lines.push(`${type.padEnd(10)}cannot be reconciled: ${why}`);
  if (report.missingChats.length > 0) {
    lines.push(`missing chats (imcdr), as TCCC lists them:`);
    for (const chat of report.missingChats) {
      const at = typeof chat.Timestamp === 'number' ? iso(chat.Timestamp) : shown(chat.Timestamp);
      lines.push(
        `  ${shown(chat.SessionId)}  SdkAppId ${chat.SdkAppId}  Timestamp ${at}  Duration ${shown(chat.Duration)}  EndStatus ${shown(chat.EndStatus)}  SkillGroup ${shown(chat.SkillGroupName ?? chat.SkillGroupId ?? '')}`,
      );
    }
  }
  for (const problem of report.invalid) {
    lines.push(
      `not backfilled, fails the ${problem.type} schema: ${shown(problem.sessionId)}: ${shown(problem.problem)}`,
    );
  }
  lines.push(`recordings without a cdr after ${extra.delayMinutes} min: ${extra.recordsWithoutCdr.length}`);
  for (const session of extra.recordsWithoutCdr) {
    lines.push(`  ${shown(session.sessionId)}  SdkAppId ${shown(session.sdkAppId)}  recording ${iso(session.at)}`);
  }
  lines.push(`failures: ${report.failureCount}`);
  for (const failure of report.failures) {
    lines.push(
      'api' in failure
        ? `  ${failure.api} SdkAppId ${failure.sdkAppId} ${failure.page < 0 ? 'first page' : `page ${failure.page}`}: ${shown(failure.code)}${failure.requestId ? ` (RequestId ${shown(failure.requestId)})` : ''}`
        : `  ${failure.type} ${shown(failure.sessionId)}: ${shown(failure.problem)}`,
    );
  }
  lines.push(`TCCC requests: ${report.tcccRequests}; DynamoDB read units: ${extra.readUnits}`);
  return lines.join('\n');
}
