import { createPushHandler } from '../handler/functions/push';
import { toHttpRequest } from '../handler/http/http-request';
import { quarantineEntry } from '../handler/intake/quarantine-push';
import { countingStore, quarantineStore, storedRecord } from './support/dynamodb';
import { httpApiEvent, sampleRecord } from './support/events';
import { quarantineCli } from './support/quarantine-cli';

const quarantine = quarantineStore();
const push = createPushHandler({ store: countingStore().store, quarantine });

/** Base64 as MIME writes it: lines of 76 characters, CRLF between them. */
const mimeBase64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** A REST-API-style binary push of `record`: its bytes as base64 with line breaks. */
const lineBrokenPush = (bytes: Buffer) =>
  httpApiEvent({
    body: mimeBase64(bytes),
    isBase64Encoded: true,
    headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': 'line-broken-1' },
  });

describe('a base64 body with line breaks is quarantined whole and can be replayed', () => {
  it('keeps the decoded bytes and their count, not truncated, when the push is refused', async () => {
    // Over 1 KiB, so its base64 has many lines: each CRLF used to count as body bytes.
    const bytes = Buffer.from(JSON.stringify(sampleRecord({ Duration: 'twelve', ClientData: 'x'.repeat(3000) })));
    const event = lineBrokenPush(bytes);

    const reply = await push(event);

    expect(JSON.parse(reply.body)).toMatchObject({ ErrCode: 1002 });
    const entry = (await quarantine.list()).find((e) => e.requestId === event.requestContext.requestId);
    expect(entry).toMatchObject({ bodySize: bytes.length, bodyTruncated: false });
    expect(Buffer.from(entry?.body ?? [])).toEqual(bytes);
  });

  it('replays with `npm run quarantine -- replay <id>` once the receiver takes it', async () => {
    // Refused by an older, stricter receiver; valid under today's schema.
    const record = sampleRecord({ ClientData: 'x'.repeat(3000) });
    const bytes = Buffer.from(JSON.stringify(record));
    const entry = quarantineEntry(
      toHttpRequest(lineBrokenPush(bytes)),
      { errCode: 1002, errMsg: 'schema violation: (an older schema)' },
      new Date('2026-11-20T10:00:00Z'),
    );
    expect(entry.bodyTruncated).toBe(false);
    await quarantine.put(entry);

    const replay = quarantineCli('replay', entry.id);

    expect(replay).toMatchObject({ status: 0, stdout: `${entry.id}: stored; removed from the quarantine\n` });
    expect(await storedRecord(record.SessionId)).toEqual(record);
    expect((await quarantine.list()).map((candidate) => candidate.id)).not.toContain(entry.id);
  }, 60_000);
});
