// Part 2 of `npm run bench:erase`, the data: a record table of voice CDRs, stored exactly as the
// push's writer stores them, and the privacy table holding their lookup items, exactly as the
// lookup's consumer computes them from the stream's INSERT records. Written with parallel
// BatchWriteItem requests: neither the writer's conditional puts nor a stream are needed to seed.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient, PutItemCommandInput, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchWrite, type Item } from '../handler/aws/dynamodb';
import { decodeRecord } from '../handler/decode/decode-push';
import { newRecordOf, receiptOf } from '../handler/intake/new-record';
import { LookupWrites, lookupWritesOf } from '../handler/privacy/record-lookups';
import { type PushType, pushTypeOf } from '../handler/push-types/push-registry';
import { DynamoDbRecordWriter } from '../handler/records/dynamodb-record-writer';
import { RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../handler/records/item-layout';
import { inTurns } from '../handler/reports/in-turns';
import { sampleOf } from '../tests/support/events';

/** The person erased, in the forms TCCC writes a mainland mobile number. */
export const PERSON = { asCaller: '008613912345678', asCallee: '13912345678', asRecorded: '+86 139 1234 5678' };
/** The centre's own line: the callee of every inbound call, so its lookup partitions are the fullest. */
const CENTRE_LINE = '0086075500000002';
const AGENTS = 200;
/** Records built and written at a time (memory), and BatchWriteItem requests in flight. */
const CHUNK = 2_000;
const WRITERS = 8;
const WRITE_BATCH = 25;

export interface Seeded {
  readonly records: number;
  readonly lookupItems: number;
  /** The sessions the person appears in. */
  readonly personSessions: string[];
}

/** What the writer would put for `body`: its PutItem captured by a client that sends nothing. */
async function storedItem(action: string, body: Record<string, unknown>, receivedAt: string): Promise<Item> {
  const push = await decodeRecord(pushTypeOf(action) as PushType, '1', body);
  const receipt = receiptOf(push, { receivedAt, requestId: `seed-${push.sessionId}`, pushId: undefined });
  let put: Item | undefined;
  const capture = {
    send: async (command: { input: PutItemCommandInput }) => {
      put = command.input.Item;
      return {};
    },
  } as unknown as DynamoDBClient;
  await new DynamoDbRecordWriter(capture, 'seed').save(newRecordOf(push, receipt));
  return put as Item;
}

/** The stream record DynamoDB writes for a new item (NEW_AND_OLD_IMAGES). */
const insertOf = (item: Item) =>
  ({
    eventName: 'INSERT',
    dynamodb: {
      Keys: { [SESSION_ID_ATTRIBUTE]: item[SESSION_ID_ATTRIBUTE], [RECORD_KEY_ATTRIBUTE]: item[RECORD_KEY_ATTRIBUTE] },
      NewImage: item,
    },
  }) as unknown as DynamoDBRecord;

/** Voice CDR `n`: a caller of its own, the centre's line, one of AGENTS agents, a minute apart. */
function cdrBody(n: number, sessionId: string): Record<string, unknown> {
  const sample = sampleOf('cdr');
  const agent = `agent${n % AGENTS}@example.com`;
  const ended = 1_735_689_750 + n * 60;
  return {
    ...sample,
    SessionId: sessionId,
    Caller: `0086138${String(n).padStart(8, '0')}`,
    Callee: CENTRE_LINE,
    StartTimestamp: ended - 150,
    EndedTimestamp: ended,
    SeatUser: { ...(sample.SeatUser as object), UserId: agent, Mail: agent },
    ServeParticipants: (sample.ServeParticipants as object[]).map((p) => ({ ...p, Mail: agent })),
  };
}

/**
 * `records` items: voice CDRs and one recording. The person called once (Caller), was called
 * once (an outbound call: Callee) and is the recorded caller of a third session whose CDR names
 * someone else. Answers what was written.
 */
export async function seed(
  client: DynamoDBClient,
  tables: { records: string; privacy: string },
  records: number,
  key: string,
): Promise<Seeded> {
  const cdrs = records - 1;
  const [asCaller, asCallee, recorded] = [7, Math.floor(cdrs / 2), cdrs - 1];
  const sessions = Array.from({ length: cdrs }, () => randomUUID());
  const receivedAt = new Date().toISOString();
  const bodyOf = (n: number) => {
    const body = cdrBody(n, sessions[n] as string);
    if (n === asCaller) body.Caller = PERSON.asCaller;
    if (n === asCallee) Object.assign(body, { Direction: 1, Caller: CENTRE_LINE, Callee: PERSON.asCallee });
    return body;
  };
  const recording = {
    ...sampleOf('record-caller'),
    SessionId: sessions[recorded],
    EndpointUser: PERSON.asRecorded,
  };
  let lookupItems = 0;
  for (let from = 0; from < cdrs; from += CHUNK) {
    const numbers = Array.from({ length: Math.min(CHUNK, cdrs - from) }, (_, i) => from + i);
    const items = await Promise.all(numbers.map((n) => storedItem('cdr', bodyOf(n), receivedAt)));
    if (from + CHUNK >= cdrs) items.push(await storedItem('record', recording, receivedAt));
    const lookups = new LookupWrites();
    for (const item of items) lookups.add(await lookupWritesOf(insertOf(item), key));
    lookupItems += lookups.requests.length;
    await writeAll(
      client,
      tables.records,
      items.map((item) => ({ PutRequest: { Item: item } })),
    );
    await writeAll(client, tables.privacy, lookups.requests);
  }
  const personSessions = [asCaller, asCallee, recorded].map((n) => sessions[n] as string);
  return { records, lookupItems, personSessions };
}

/** Every request, WRITERS BatchWriteItem requests at a time. */
async function writeAll(client: DynamoDBClient, table: string, requests: readonly WriteRequest[]) {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += WRITE_BATCH) {
    batches.push(requests.slice(start, start + WRITE_BATCH));
  }
  await inTurns(batches, (batch) => batchWrite(client, table, batch), WRITERS);
}
