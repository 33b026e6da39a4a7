// Locally, what Lambda's event source mapping does deployed: reads the record table's
// stream in DynamoDB Local and hands it, batch by batch and in order, to the real stream
// consumer (handler/aggregate.ts). A failed record (batchItemFailures) or a thrown batch is
// read again from there on the next poll, as Lambda would; and as serverless.yml sets it
// (bisectBatchOnFunctionError, maximumRetryAttempts, an on-failure destination), a batch that
// keeps failing is halved until the one record at fault is alone, which is then set aside
// (reported to `onGiveUp`, as Lambda sends it to the dead-letter queue) so that the records
// after it are counted.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

interface ShardState {
  /** Read again from here (inclusive); undefined: from the start of the shard. */
  resumeAt?: string;
  /** The last record handed over successfully (or given up on). */
  after?: string;
  closed: boolean;
  /** Failed attempts at resumeAt, and the batch size to read there (halved on each failure). */
  failures: number;
  limit?: number;
}

/** Attempts at one position before a batch is halved again, and before a lone record is given up on. */
export const ATTEMPTS_PER_SIZE = 2;

/** A stream record the consumer could not apply, set aside: where it was, and which record. */
export interface GivenUp {
  readonly sequenceNumber: string;
  readonly keys: unknown;
}

export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private readonly streams: DynamoDBStreamsClient;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly handler: StreamHandler,
    private readonly batchSize = 100,
    private readonly onGiveUp: (record: GivenUp) => void = () => {},
  ) {
    this.streams = new DynamoDBStreamsClient({
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: process.env.AWS_REGION ?? 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Reads every shard up to its end and hands each batch over; answers how many records it handed. */
  async pollOnce(): Promise<number> {
    const { Table } = await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${this.tableName} has no stream`);
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let handed = 0;
    // Parents are listed before their children: a session's versions stay in order.
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId as string;
      const state = this.shards.get(shardId) ?? { closed: false, failures: 0 };
      this.shards.set(shardId, state);
      if (state.closed) continue;
      handed += await this.drain(streamArn, shardId, state);
    }
    return handed;
  }

  private async drain(streamArn: string, shardId: string, state: ShardState): Promise<number> {
    const position =
      state.resumeAt !== undefined
        ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER' as const, SequenceNumber: state.resumeAt }
        : state.after !== undefined
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.after }
          : { ShardIteratorType: 'TRIM_HORIZON' as const };
    let { ShardIterator: iterator } = await this.streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...position }),
    );
    let handed = 0;
    while (iterator) {
      const limit = state.limit ?? this.batchSize;
      const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      const records = page.Records ?? [];
      if (records.length === 0) {
        if (!page.NextShardIterator) state.closed = true;
        return handed;
      }
      const failedAt = await this.hand(streamArn, records);
      if (failedAt !== undefined) {
        this.failed(state, failedAt, records);
        return handed;
      }
      state.resumeAt = undefined;
      state.failures = 0;
      state.limit = undefined;
      state.after = records[records.length - 1]?.dynamodb?.SequenceNumber;
      handed += records.length;
      iterator = page.NextShardIterator;
    }
    state.closed = true;
    return handed;
  }

  /** After a failed batch: read again from where it failed, halving the batch, and set aside a lone record that keeps failing. */
  private failed(state: ShardState, failedAt: string, records: StreamRecord[]): void {
    if (failedAt !== state.resumeAt) {
      state.failures = 0;
      state.limit = undefined;
    }
    state.resumeAt = failedAt;
    state.failures++;
    if (state.failures < ATTEMPTS_PER_SIZE) return;
    const size = state.limit ?? this.batchSize;
    const lone = records[0];
    if (size === 1 && lone?.dynamodb?.SequenceNumber === failedAt) {
      this.onGiveUp({ sequenceNumber: failedAt, keys: lone.dynamodb?.Keys });
      state.after = failedAt;
      state.resumeAt = undefined;
      state.limit = undefined;
    } else {
      state.limit = Math.max(1, Math.floor(size / 2));
    }
    state.failures = 0;
  }

  /** Hands one batch to the consumer; answers where to read again from, if it failed. */
  private async hand(streamArn: string, records: StreamRecord[]): Promise<string | undefined> {
    const event = {
      Records: records.map((record) => ({ ...record, eventSourceARN: streamArn })),
    } as unknown as DynamoDBStreamEvent;
    try {
      const response = await this.handler(event);
      const failed = response?.batchItemFailures ?? [];
      if (failed.length === 0) return undefined;
      const sequences = new Set(failed.map((failure) => failure.itemIdentifier));
      return records.find((record) => sequences.has(record.dynamodb?.SequenceNumber ?? ''))?.dynamodb?.SequenceNumber;
    } catch {
      return records[0]?.dynamodb?.SequenceNumber;
    }
  }

  /** Polls until the signal aborts. */
  async run(signal: AbortSignal, intervalMs = 500, onError: (error: unknown) => void = () => {}): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce();
      } catch (error) {
        onError(error);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
