// `npm start` runs this beside serverless-offline (which has no DynamoDB Streams): the real
// stream consumers, each fed by its own scripts/stream-poller.ts from DynamoDB Local, as each
// has its own event source mapping deployed: the reports' aggregates and the person lookup.

import { createDynamoDbClient } from '../handler/aws/dynamodb-client';
import { tableName } from '../handler/aws/tables';
import { logger } from '../handler/common/observability';
import { handler as aggregate } from '../handler/functions/aggregate';
import { handler as lookup } from '../handler/functions/lookup';
import { StreamPoller } from './stream-poller';

// A record set aside is what a dead-letter message is deployed.
const consumers = [
  { handler: aggregate, remedy: 'its figures are missing until recounted; run npm run recount over its day' },
  { handler: lookup, remedy: 'the person lookup misses it; erase its session with npm run erase -- --session' },
];
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());
for (const { handler, remedy } of consumers) {
  const poller = new StreamPoller(createDynamoDbClient(), tableName('records'), handler, 100, (record) =>
    logger.error(
      `a stream record could not be applied and was set aside; the records after it are handled; ${remedy}`,
      {
        sequenceNumber: record.sequenceNumber,
      },
    ),
  );
  void poller.run(stop.signal, Number(process.env.STREAM_POLL_MS ?? 500), (error) =>
    logger.error('reading the record table stream failed; trying again', { error: String(error) }),
  );
}
