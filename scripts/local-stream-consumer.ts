// `npm start` runs this beside serverless-offline (which has no DynamoDB Streams): the real
// stream consumer, fed by scripts/stream-poller.ts from DynamoDB Local.
import { handler as consumer } from '../handler/aggregate';
import { logger } from '../handler/observability';
import { requiredEnv, TABLE_ENV } from '../handler/store/default-stores';
import { createDynamoDbClient } from '../handler/store/dynamodb-client';
import { StreamPoller } from './stream-poller';

const poller = new StreamPoller(createDynamoDbClient(), requiredEnv(TABLE_ENV.records), consumer);
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());
void poller.run(stop.signal, Number(process.env.STREAM_POLL_MS ?? 500), (error) =>
  logger.error('reading the record table stream failed; trying again', { error: String(error) }),
);
