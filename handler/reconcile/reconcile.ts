import { Refusal } from '../common/errors';
import { type DecodedPush, decodeRecord } from '../decode/decode-push';
import { newRecordOf, receiptOf } from '../intake/new-record';
import { loadSchema } from '../push-types/generated/schemas';
import { type PushType, pushTypeOf } from '../push-types/push-registry';
import { currentRecordKey } from '../records/item-layout';
import type { Receipt, RecordWriter } from '../records/record-store';
import { type Listing, listImCdrs, listTelCdrs, type PageFailure, type PullApi, type Window } from './pull-lists';
import { cdrOfTelCdr, type PullRecord, recordingsOfTelCdr } from './pull-mapping';
import type { KeyToCheck, StoredKeys } from './stored-keys';
import { keyId } from './stored-keys';
import type { TcccApi } from './tccc-api';

/**
 * One reconciliation: for each SdkAppId, what TCCC lists for the window (DescribeTelCdr, and
 * DescribeProtectedTelCdr where number protection is on; DescribeIMCdrList), compared with what
 * the table holds (StoredKeys: bulk reads), and what is missing stored through the push's own
 * path (same schema, same writer), its receipt saying `source: "pull"`, when, and which API.
 *
 * - `cdr` and its recordings (`record`) are backfilled.
 * - `imcdr` is listed, never stored: the pull lacks what the push schema requires (start and
 *   end times, EndStatusString; its numeric EndStatus maps to no documented push string), and a
 *   record with invented times would be counted in the reports at the wrong hour. The chat's
 *   pulled facts (no personal data) are in the report, for an operator to chase.
 * - `videoCdr` and `voicemail` have no list API: they cannot be reconciled (UNRECONCILABLE).
 */
export const RECONCILED_TYPES = ['cdr', 'record', 'imcdr'] as const;
export type ReconciledType = (typeof RECONCILED_TYPES)[number];
export const UNRECONCILABLE = {
  videoCdr: 'no TCCC API lists video sessions',
  voicemail: 'no TCCC API lists voicemails (a call record lists only its URLs, without the time that keys one)',
} as const;
/** At most this many missing chats, invalid records and failures are listed (all are counted). */
export const MAX_LISTED = 200;
const SAVE_CONCURRENCY = 8;

export interface TypeCounts {
  /** Listed by TCCC for the window. */
  found: number;
  /** Of those, already in the table. */
  stored: number;
  missing: number;
  backfilled: number;
}

/** A chat TCCC lists and the table lacks: what TCCC returned, without its personal data. */
export interface MissingChat {
  readonly SdkAppId: number;
  readonly SessionId: string;
  readonly Timestamp?: unknown;
  readonly Duration?: unknown;
  readonly EndStatus?: unknown;
  readonly Type?: unknown;
  readonly SkillGroupId?: unknown;
  readonly SkillGroupName?: unknown;
}

export interface Problem {
  readonly type: ReconciledType;
  readonly sessionId: string;
  readonly problem: string;
}

export interface ReconcileReport {
  readonly window: Window;
  readonly dryRun: boolean;
  readonly types: Record<ReconciledType, TypeCounts>;
  readonly missingChats: MissingChat[];
  /** Missing records that fail the push schema once mapped: not stored. */
  readonly invalid: Problem[];
  /** TCCC pages that failed for good, and records that could not be stored. */
  readonly failures: Array<PageFailure | (Problem & { code: string })>;
  readonly failureCount: number;
  readonly tcccRequests: number;
}

export interface ReconcileInput {
  readonly sdkAppIds: readonly number[];
  /** SdkAppIds with number protection on: their calls are also listed by DescribeProtectedTelCdr. */
  readonly protectedSdkAppIds?: readonly number[];
  readonly window: Window;
  readonly dryRun: boolean;
}

export interface ReconcileDependencies {
  readonly api: TcccApi;
  readonly storedKeys: StoredKeys;
  readonly writer: RecordWriter;
  readonly now?: () => Date;
}

/** One pulled record to check: its key, and how to make it a push-shaped record. */
interface Candidate extends KeyToCheck {
  readonly type: ReconciledType;
  readonly api: PullApi;
  readonly requestId: string | undefined;
  readonly sdkAppId: number;
  /** The push-shaped record; for a chat, the facts listed when it is missing. */
  readonly record: PullRecord;
}

const emptyCounts = (): TypeCounts => ({ found: 0, stored: 0, missing: 0, backfilled: 0 });

/** The receipt of a backfilled record: a push's, plus where it came from. */
export function pullReceiptOf(push: DecodedPush, pulled: { at: Date; api: string; requestId?: string }): Receipt {
  return {
    ...receiptOf(push, { receivedAt: pulled.at.toISOString(), requestId: pulled.requestId ?? '', pushId: undefined }),
    source: 'pull',
    pullApi: pulled.api,
  };
}

function pushType(action: string): PushType {
  return pushTypeOf(action) as PushType;
}

async function callCandidates(listing: Listing, sdkAppId: number, seen: Set<string>): Promise<Candidate[]> {
  const { shape } = await loadSchema(pushType('cdr').schema);
  const candidates: Candidate[] = [];
  for (const { info, api, requestId } of listing.items) {
    const sessionId = info.SessionId;
    if (typeof sessionId !== 'string' || sessionId === '') continue;
    const cdr = cdrOfTelCdr(info, sdkAppId, shape);
    const cdrKey = currentRecordKey('cdr', String(sdkAppId));
    // The same call on two pages (TotalCount moved) or in both lists (protected): once.
    if (seen.has(keyId({ sessionId, recordKey: cdrKey }))) continue;
    seen.add(keyId({ sessionId, recordKey: cdrKey }));
    const ordering = typeof cdr.EndedTimestamp === 'number' ? cdr.EndedTimestamp : 0;
    const base = { api, requestId, sdkAppId, sessionId };
    candidates.push({ ...base, type: 'cdr', action: 'cdr', recordKey: cdrKey, ordering, record: cdr });
    for (const recording of recordingsOfTelCdr(info, sdkAppId)) {
      const recordKey = currentRecordKey('record', `${sdkAppId}#${recording.RecordId}`);
      if (seen.has(keyId({ sessionId, recordKey }))) continue;
      seen.add(keyId({ sessionId, recordKey }));
      const at = recording.Timestamp as number;
      candidates.push({ ...base, type: 'record', action: 'record', recordKey, ordering: at, record: recording });
    }
  }
  return candidates;
}

function chatCandidates(listing: Listing, sdkAppId: number, seen: Set<string>): Candidate[] {
  const candidates: Candidate[] = [];
  for (const { info, api, requestId } of listing.items) {
    const sessionId = info.SessionId;
    if (typeof sessionId !== 'string' || sessionId === '') continue;
    const recordKey = currentRecordKey('imcdr', String(sdkAppId));
    if (seen.has(keyId({ sessionId, recordKey }))) continue;
    seen.add(keyId({ sessionId, recordKey }));
    const { Timestamp, Duration, EndStatus, Type, SkillGroupId, SkillGroupName } = info;
    const facts = { SdkAppId: sdkAppId, SessionId: sessionId, Timestamp, Duration, EndStatus, Type };
    const ordering = typeof Timestamp === 'number' ? Timestamp : 0;
    candidates.push({
      api,
      requestId,
      sdkAppId,
      sessionId,
      type: 'imcdr',
      action: 'imcdr',
      recordKey,
      ordering,
      record: { ...facts, SkillGroupId, SkillGroupName },
    });
  }
  return candidates;
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export async function reconcile(input: ReconcileInput, deps: ReconcileDependencies): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const requestsBefore = deps.api.requestsSent;
  const protectedIds = new Set(input.protectedSdkAppIds ?? []);
  const types = Object.fromEntries(RECONCILED_TYPES.map((type) => [type, emptyCounts()])) as Record<
    ReconciledType,
    TypeCounts
  >;
  const failures: ReconcileReport['failures'] = [];
  let failureCount = 0;
  const invalid: Problem[] = [];
  const missingChats: MissingChat[] = [];
  const seen = new Set<string>();
  const fail = (failure: ReconcileReport['failures'][number]) => {
    failureCount++;
    if (failures.length < MAX_LISTED) failures.push(failure);
  };

  // Every SdkAppId's lists at once: the rate limiter spaces the requests, and one failing app
  // or page is reported without stopping the others.
  const perApp = await Promise.all(
    input.sdkAppIds.map(async (sdkAppId) => {
      const [calls, protectedCalls, chats] = await Promise.all([
        listTelCdrs(deps.api, 'DescribeTelCdr', sdkAppId, input.window),
        protectedIds.has(sdkAppId)
          ? listTelCdrs(deps.api, 'DescribeProtectedTelCdr', sdkAppId, input.window)
          : Promise.resolve({ items: [], failures: [] }),
        listImCdrs(deps.api, sdkAppId, input.window),
      ]);
      return { sdkAppId, calls, protectedCalls, chats };
    }),
  );
  const candidates: Candidate[] = [];
  for (const { sdkAppId, calls, protectedCalls, chats } of perApp) {
    for (const listing of [calls, protectedCalls, chats]) for (const failure of listing.failures) fail(failure);
    candidates.push(...(await callCandidates(calls, sdkAppId, seen)));
    candidates.push(...(await callCandidates(protectedCalls, sdkAppId, seen)));
    candidates.push(...chatCandidates(chats, sdkAppId, seen));
  }

  const present = await deps.storedKeys.present(candidates);
  const missing: Candidate[] = [];
  for (const candidate of candidates) {
    const counts = types[candidate.type];
    counts.found++;
    if (present.has(keyId(candidate))) counts.stored++;
    else {
      counts.missing++;
      if (candidate.type === 'imcdr') {
        if (missingChats.length < MAX_LISTED) missingChats.push(candidate.record as unknown as MissingChat);
      } else missing.push(candidate);
    }
  }

  await pool(missing, SAVE_CONCURRENCY, async (candidate) => {
    let push: DecodedPush;
    try {
      push = await decodeRecord(pushType(candidate.action), '1', candidate.record);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (invalid.length < MAX_LISTED)
        invalid.push({ type: candidate.type, sessionId: candidate.sessionId, problem: error.message });
      return;
    }
    if (input.dryRun) return;
    try {
      const receipt = pullReceiptOf(push, { at: now(), api: candidate.api, requestId: candidate.requestId });
      const outcome = await deps.writer.save(newRecordOf(push, receipt));
      // 'duplicate' or 'stored-older': a push (or another run) stored it meanwhile.
      if (outcome === 'stored') types[candidate.type].backfilled++;
    } catch (error) {
      fail({ type: candidate.type, sessionId: candidate.sessionId, code: 'StorageFailure', problem: String(error) });
    }
  });

  return {
    window: input.window,
    dryRun: input.dryRun,
    types,
    missingChats,
    invalid,
    failures,
    failureCount,
    tcccRequests: deps.api.requestsSent - requestsBefore,
  };
}
