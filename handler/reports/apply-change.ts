import type { ReportStore } from './report-store';
import type { ContributionChange } from './stream-changes';

/** Which version of a record is current now: one strongly consistent read of the record's key. */
export interface CurrentVersions {
  currentVersion(sessionId: string, recordKey: string): Promise<string | undefined>;
}

/**
 * Applies one stream record's change to the contributions. The new version is put only if it
 * is still the record's current one: a batch delivered again long after the session was
 * corrected must not bring the old version back. The version it replaced is removed only if
 * its contribution is still that version's (and unless the put just overwrote it in place).
 */
export async function applyChange(
  change: ContributionChange,
  reports: ReportStore,
  versions: CurrentVersions,
): Promise<void> {
  const { action, hash, sessionId, recordKey, put, remove } = change;
  const putting = put !== undefined && (await versions.currentVersion(sessionId, recordKey)) === put.versionId;
  if (putting) {
    await reports.putContribution({ action, hash, sessionId, recordKey, ...put });
  }
  if (remove && !(putting && put.contribution.end === remove.end)) {
    await reports.removeContribution(action, hash, remove.end, remove.versionId);
  }
}
