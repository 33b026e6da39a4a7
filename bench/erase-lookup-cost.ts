// Part 1 of `npm run bench:erase`: what the person lookup costs per push, measured end to end.
// Each sample goes through the real push handler (the record only, as deployed), then the record
// table's stream is handed to the real lookup consumer, whose DynamoDB requests are metered.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoDbClient, createPatientDynamoDbClient } from '../handler/aws/dynamodb-client';
import { createLookupHandler } from '../handler/functions/lookup';
import { createPushHandler } from '../handler/functions/push';
import { DynamoDbQuarantineWriter } from '../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordWriter } from '../handler/records/dynamodb-record-writer';
import { inTurns } from '../handler/reports/in-turns';
import { StreamPoller } from '../scripts/stream-poller';
import { httpApiEvent, sampleOf } from '../tests/support/events';
import { CapacityMeter, type ItemSize } from './reports/capacity-meter';

/** The samples under events/, and the `action` TCCC pushes each with. */
export const SAMPLES: ReadonlyArray<readonly [sample: string, action: string]> = [
  ['cdr', 'cdr'],
  ['record', 'record'],
  ['record-caller', 'record'],
  ['voicemail', 'voicemail'],
  ['imcdr', 'imcdr'],
  ['video-cdr', 'videoCdr'],
];
/** The event source mapping's batchSize: a busy centre's batches are full. */
export const BATCH_SIZE = 100;
/** Pushes in flight at once: a speed-up only, each is one push through the handler. */
const PUSH_CONCURRENCY = 4;

export interface Tables {
  readonly CdrTable: string;
  readonly QuarantineTable: string;
  readonly PrivacyTable: string;
}

export interface SampleCost {
  readonly sample: string;
  readonly lookupItems: number;
  readonly writeUnits: number;
  readonly maxItemBytes: number;
}

export interface BatchCost {
  readonly pushes: number;
  readonly batches: number;
  readonly writeUnits: number;
  readonly meanBatchMs: number;
}

export interface LookupCost {
  readonly samples: SampleCost[];
  /** The mean duration of the samples' one-record batches. */
  readonly singleBatchMs: number;
  readonly cdrBatches: BatchCost;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The consumer on its own metered client, fed by a poller of the record table's stream. */
function meteredConsumer(tables: Tables, key: string, itemSize: ItemSize) {
  const meter = new CapacityMeter(itemSize);
  const lookup = createLookupHandler({
    client: meter.attach(createPatientDynamoDbClient()),
    privacyTable: tables.PrivacyTable,
    hashKey: async () => key,
  });
  const durations: number[] = [];
  const timed = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const started = performance.now();
    const response = await lookup(event);
    durations.push(performance.now() - started);
    if (response.batchItemFailures.length > 0)
      throw new Error(`the lookup failed ${response.batchItemFailures.length} records`);
    return response;
  };
  const poller = new StreamPoller(createPatientDynamoDbClient(), tables.CdrTable, timed, BATCH_SIZE);
  return { meter, durations, poller };
}

export async function measureLookupCost(
  tables: Tables,
  key: string,
  itemSize: ItemSize,
  cdrPushes: number,
): Promise<LookupCost> {
  const client = createDynamoDbClient();
  const push = createPushHandler({
    store: new DynamoDbRecordWriter(client, tables.CdrTable),
    quarantine: new DynamoDbQuarantineWriter(client, tables.QuarantineTable),
  });
  const pushOne = async (sample: string, action: string) => {
    const event = httpApiEvent({ query: { action, version: '1' }, body: JSON.stringify(sampleOf(sample)) });
    const reply = await push(event as never);
    if (!reply.body.includes('"ErrCode":0')) throw new Error(`push of ${sample} answered ${reply.body}`);
  };
  const privacyItems = async () =>
    (await client.send(new ScanCommand({ TableName: tables.PrivacyTable, Select: 'COUNT' }))).Count ?? 0;
  const { meter, durations, poller } = meteredConsumer(tables, key, itemSize);

  const samples: SampleCost[] = [];
  for (const [sample, action] of SAMPLES) {
    meter.writeUnits.clear();
    meter.largestPut.clear();
    const before = await privacyItems();
    await pushOne(sample, action);
    const handed = await poller.pollOnce();
    if (handed !== 1) throw new Error(`the stream held ${handed} records for one push of ${sample}`);
    samples.push({
      sample,
      lookupItems: (await privacyItems()) - before,
      writeUnits: meter.writeUnits.get(tables.PrivacyTable) ?? 0,
      maxItemBytes: meter.largestPut.get(tables.PrivacyTable) ?? 0,
    });
  }

  const singleBatchMs = mean(durations);

  // Full batches of new voice CDRs: what the consumer's Lambda bills per invocation.
  meter.writeUnits.clear();
  durations.length = 0;
  const pushes = Array.from({ length: cdrPushes }, (_, n) => n);
  await inTurns(pushes, () => pushOne('cdr', 'cdr'), PUSH_CONCURRENCY);
  const handed = await poller.pollOnce();
  if (handed !== cdrPushes) throw new Error(`the stream held ${handed} records for ${cdrPushes} cdr pushes`);
  client.destroy();
  return {
    samples,
    singleBatchMs,
    cdrBatches: {
      pushes: cdrPushes,
      batches: durations.length,
      writeUnits: meter.writeUnits.get(tables.PrivacyTable) ?? 0,
      meanBatchMs: mean(durations),
    },
  };
}
