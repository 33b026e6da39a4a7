// `npm start` runs this beside serverless-offline (which has no DynamoDB Streams): the real
// stream consumer, fed by scripts/stream-poller.ts from DynamoDB Local.

import { createDynamoDbClient } from '../handler/aws/dynamodb-client';
import { tableName } from '../handler/aws/tables';
import { logger } from '../handler/common/observability';
import { handler as consumer } from '../handler/functions/aggregate';
import { StreamPoller } from './stream-poller';

// A record set aside is what a dead-letter message is deployed: its figures are missing until recounted.
const poller = new StreamPoller(createDynamoDbClient(), tableName('records'), consumer, 100, (record) =>
  logger.error(
    'a stream record could not be applied and was set aside; the records after it are counted; run npm run recount over its day',
    {
      sequenceNumber: record.sequenceNumber,
    },
  ),
);
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());
void poller.run(stop.signal, Number(process.env.STREAM_POLL_MS ?? 500), (error) =>
  logger.error('reading the record table stream failed; trying again', { error: String(error) }),
);
