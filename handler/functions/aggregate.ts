import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createPatientDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { causeOf } from '../common/errors';
import { logger } from '../common/observability';
import { SESSION_ACTIONS } from '../push-types/push-registry';
import { DynamoDbCurrentVersions } from '../records/dynamodb-current-versions';
import { applyChange, type CurrentVersions } from '../reports/apply-change';
import { DynamoDbReportStore } from '../reports/dynamodb-report-store';
import type { ReportStore } from '../reports/report-store';
import { changeOf } from '../reports/stream-changes';
import { RollupSchedule, TouchedDays } from '../reports/touched-days';

export interface AggregateDependencies {
  readonly reports: ReportStore;
  readonly versions: CurrentVersions;
  /** Unix seconds. */
  readonly now?: () => number;
}

/**
 * The reports' stream consumer: the record table's stream (NEW_AND_OLD_IMAGES) in, the
 * aggregate table kept up to date. Records of a batch are applied in order (a session's
 * versions must not overtake each other); a record that fails is reported back
 * (ReportBatchItemFailures), so the stream hands it, and what follows it, again. Every
 * step is idempotent: a redelivered batch counts nothing twice.
 */
export function createAggregateHandler({ reports, versions, now = () => Date.now() / 1000 }: AggregateDependencies) {
  const rollups = new RollupSchedule();
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const touched = new TouchedDays();
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const change = changeOf(record);
        if (!change) return;
        await applyChange(change, reports, versions);
        touched.add(change);
      },
      processor,
      { processInParallel: false },
    );
    try {
      // The revisions of what did apply; if this fails, the whole batch comes again.
      await touched.bump(reports);
    } catch (error) {
      logger.error('marking the changed days failed; the batch will be delivered again', { cause: causeOf(error) });
      throw error;
    }
    rollups.noteTouched(touched, now());
    await rollups.run(reports, SESSION_ACTIONS, now());
    logger.info('stream batch applied', {
      records: event.Records.length,
      failed: response.batchItemFailures.length,
      daysTouched: touched.size,
    });
    return response;
  };
}

/** The consumer's stores on one patient client: the report table, and the record table for the version check. */
function consumerStores() {
  const client = createPatientDynamoDbClient();
  return {
    reports: new DynamoDbReportStore(client, tableName('reports')),
    versions: new DynamoDbCurrentVersions(client, tableName('records')),
  };
}

export const handler = createAggregateHandler(consumerStores());
