import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { causeOf } from './errors';
import { logger } from './observability';
import { TouchedBuckets } from './reports/recount';
import { changeOf } from './reports/stream-changes';
import { defaultReportStores } from './store/default-report-store';
import type { RecordStore } from './store/record-store';
import type { ReportStore } from './store/report-store';

/**
 * The reports' stream consumer: the record table's stream (NEW_AND_OLD_IMAGES) in, the
 * aggregate table kept up to date. Records of a batch are applied in order (a session's
 * versions must not overtake each other); a record that fails is reported back
 * (ReportBatchItemFailures), so the stream hands it, and what follows it, again. Every
 * step is idempotent: a redelivered batch counts nothing twice.
 */
export function createAggregateHandler({ reports, records }: { reports: ReportStore; records: RecordStore }) {
  /** Whether a version is still the current one: a batch delivered again late must not bring back a replaced version. */
  async function stillCurrent(sessionId: string, action: string, versionId: string): Promise<boolean> {
    const current = await records.currentRecords(sessionId, action);
    return current.some((record) => record.receipt.versionId === versionId);
  }

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const touched = new TouchedBuckets();
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const found = changeOf(record);
        if (!found) return;
        const { change, sessionId } = found;
        const put = change.put && (await stillCurrent(sessionId, change.action, change.put.versionId));
        await reports.applyChange(put ? change : { ...change, put: undefined });
        touched.add(change);
      },
      processor,
      { processInParallel: false },
    );
    try {
      // The counts of what did apply; if this fails, the whole batch comes again.
      await touched.recount(reports);
    } catch (error) {
      logger.error('recounting the reports failed; the batch will be delivered again', { cause: causeOf(error) });
      throw error;
    }
    logger.info('stream batch applied', {
      records: event.Records.length,
      failed: response.batchItemFailures.length,
      quartersRecounted: touched.size,
    });
    return response;
  };
}

export const handler = createAggregateHandler(defaultReportStores());
