import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createPatientDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { causeOf } from '../common/errors';
import { logger, metrics } from '../common/observability';
import { RECONCILED_TYPES, reconcile } from '../reconcile/reconcile';
import { recordsWithoutCdr } from '../reconcile/records-without-cdr';
import { reconcileSettings, tcccApiSettings } from '../reconcile/settings';
import { StoredKeys } from '../reconcile/stored-keys';
import { commonClientSend, createTcccApi, type TcccApi } from '../reconcile/tccc-api';
import { DynamoDbRecordWriter } from '../records/dynamodb-record-writer';

/**
 * The scheduled reconcile (EventBridge Scheduler, infra/reconcile.yml): every run looks back
 * RECONCILE_LOOKBACK_HOURS (default 6) from now, so that windows overlap and a record TCCC lists
 * late is still found. Metrics (namespace TcccCdrReceiver): ReconcileMissing (total, and per
 * `action`), ReconcileBackfilled, ReconcileFailures, ReconcileRecordWithoutCdr; alarms on missing
 * and on failures (infra/reconcile.yml). See docs/reconcile.md.
 */
export const METRIC_RECONCILE = {
  missing: 'ReconcileMissing',
  backfilled: 'ReconcileBackfilled',
  failures: 'ReconcileFailures',
  recordWithoutCdr: 'ReconcileRecordWithoutCdr',
} as const;
export const DEFAULT_LOOKBACK_HOURS = 6;

export interface ReconcileHandlerDependencies {
  readonly api: () => Promise<TcccApi>;
  readonly storedKeys: StoredKeys;
  readonly writer: DynamoDbRecordWriter;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

function count(name: string, value: number, action?: string): void {
  if (action === undefined) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  const single = metrics.singleMetric();
  single.addDimension('action', action);
  single.addMetric(name, MetricUnit.Count, value);
}

export function createReconcileHandler({
  api,
  storedKeys,
  writer,
  env = process.env,
  now = () => new Date(),
}: ReconcileHandlerDependencies) {
  return async (_event?: unknown, _context?: Context) => {
    // Per run: a warm container's counter still holds the last run's.
    storedKeys.readUnits = 0;
    storedKeys.requests = 0;
    try {
      const settings = reconcileSettings(env);
      const lookback = Number(env.RECONCILE_LOOKBACK_HOURS || DEFAULT_LOOKBACK_HOURS);
      const to = Math.floor(now().getTime() / 1000);
      const window = { from: to - Math.round(lookback * 3600), to };
      const report = await reconcile(
        { sdkAppIds: settings.sdkAppIds, protectedSdkAppIds: settings.protectedSdkAppIds, window, dryRun: false },
        { api: await api(), storedKeys, writer, now },
      );
      const lonely = await recordsWithoutCdr(storedKeys, window, settings.recordDelaySeconds, to);
      let missing = 0;
      let backfilled = 0;
      for (const type of RECONCILED_TYPES) {
        const counts = report.types[type];
        missing += counts.missing;
        backfilled += counts.backfilled;
        count(METRIC_RECONCILE.missing, counts.missing, type);
        count(METRIC_RECONCILE.backfilled, counts.backfilled, type);
      }
      count(METRIC_RECONCILE.missing, missing);
      count(METRIC_RECONCILE.backfilled, backfilled);
      count(METRIC_RECONCILE.failures, report.failureCount);
      count(METRIC_RECONCILE.recordWithoutCdr, lonely.length);
      // SessionIds and codes only: the chats' pulled facts carry no personal data (reconcile.ts).
      const log = missing > 0 || report.failureCount > 0 || lonely.length > 0 ? logger.warn : logger.info;
      log.call(logger, 'reconcile done', {
        window,
        types: report.types,
        missingChats: report.missingChats.map((chat) => chat.SessionId),
        invalid: report.invalid.map(({ type, sessionId }) => ({ type, sessionId })),
        failures: report.failures,
        recordsWithoutCdr: lonely.slice(0, 200),
        tcccRequests: report.tcccRequests,
        readUnits: storedKeys.readUnits,
      });
      return { types: report.types, failures: report.failureCount, recordsWithoutCdr: lonely.length };
    } catch (error) {
      // A run that could not finish (settings, secrets, the table) is a failure too, and the
      // function's error alarm sees it as well.
      count(METRIC_RECONCILE.failures, 1);
      logger.error('reconcile failed', { cause: causeOf(error) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

const client = createPatientDynamoDbClient();
export const handler = createReconcileHandler({
  // The TCCC keys are read per run (Powertools caches them 5 minutes): a rotation lands by the next.
  api: async () => createTcccApi(commonClientSend(await tcccApiSettings(process.env))),
  storedKeys: new StoredKeys(client, tableName('records')),
  writer: new DynamoDbRecordWriter(client, tableName('records')),
});
