import { quoted } from '../handler/common/escape';
import { logger } from '../handler/common/observability';
import { createPushHandler } from '../handler/functions/push';
import type { QuarantinedPush } from '../handler/records/quarantine';
import { countingStore, quarantineStore, rawItems } from './support/dynamodb';
import { httpApiEvent, sampleRecord } from './support/events';

/** A resident ID number, as a remark might carry one: it must never leave the body. */
const SECRET = '110101199003077777';
const SECRET_FRAGMENTS = [SECRET, SECRET.slice(0, 8), SECRET.slice(-8)];
/** Raw characters that could rewrite a terminal or reorder text: none may reach a reply. */
const UNSAFE = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/u;

const quarantine = quarantineStore();
const handler = createPushHandler({ store: countingStore().store, quarantine });

/** Pushes `body`; returns the reply's envelope, every log line written meanwhile, and the quarantine entry. */
async function pushCapturing(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(chunk.toString());
      return true;
    }),
  );
  const event = httpApiEvent({ body, headers });
  let reply: Awaited<ReturnType<typeof handler>>;
  try {
    reply = await handler(event);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const entries = await quarantine.list();
  const entry = entries.find((candidate) => candidate.requestId === event.requestContext.requestId);
  return { envelope: JSON.parse(reply.body) as { ErrCode: number; ErrMsg: string }, logs: lines.join(''), entry };
}

beforeAll(() => logger.setLogLevel('DEBUG'));
afterAll(() => logger.setLogLevel('SILENT'));

describe('ErrMsg, log lines and quarantine entries never echo the body', () => {
  const record = (remark: string) => JSON.stringify(sampleRecord()).replace(/}$/, `,"UserRemark":${remark}}`);

  it.each([
    // V8: `Unexpected token 'I', ..."Remark":ID11010119"... is not valid JSON`
    ['an unquoted value', record(`ID${SECRET}`), 'invalid symbol'],
    ['a value cut short', record(`"ID ${SECRET}`), 'unexpected end of string'],
    ['a stray character after a value', record(`"ID ${SECRET}" x`), 'invalid symbol'],
    ['a control character in a string', record(`"ID\n${SECRET}"`), 'unexpected end of string'],
    [
      'text after the object',
      `${JSON.stringify(sampleRecord({ UserRemark: SECRET }))}${SECRET}`,
      'end of file expected',
    ],
  ])('a syntax error at %s is named by rule and position', async (_title, body, rule) => {
    const { envelope, logs, entry } = await pushCapturing(body);

    expect(envelope).toEqual({
      ErrCode: 1001,
      ErrMsg: expect.stringMatching(
        new RegExp(`^body is not valid JSON: ${rule} at line \\d+ column \\d+ \\(byte \\d+\\)$`),
      ),
    });
    expect(logs).toContain(envelope.ErrMsg); // the refusal is logged, by its message
    expect(entry?.errMsg).toBe(envelope.ErrMsg);
    for (const fragment of SECRET_FRAGMENTS) {
      expect(envelope.ErrMsg).not.toContain(fragment);
      expect(logs).not.toContain(fragment);
      expect(entry?.errMsg).not.toContain(fragment);
    }
  });

  it('names the byte where the error is, counted in UTF-8 bytes as sent', async () => {
    const body = `{"UserRemark":"璐璐", "Duration": ID${SECRET}}`;

    const { envelope } = await pushCapturing(body);

    const column = body.indexOf('ID') + 1; // characters
    const byte = Buffer.from(body).indexOf('ID'); // bytes: each 璐 is three
    expect(byte).toBe(column - 1 + 4);
    expect(envelope.ErrMsg).toBe(`body is not valid JSON: invalid symbol at line 1 column ${column} (byte ${byte})`);
  });

  it('a schema violation names the field and the rule, not the value', async () => {
    const pushed = sampleRecord({ Duration: SECRET, SeatUser: { Phone: Number(SECRET) } });

    const { envelope, logs, entry } = await pushCapturing(JSON.stringify(pushed));

    expect(envelope.ErrCode).toBe(1002);
    expect(envelope.ErrMsg).toContain('/Duration must be integer');
    expect(envelope.ErrMsg).toContain('/SeatUser/Phone must be string');
    for (const text of [envelope.ErrMsg, logs, entry?.errMsg]) {
      for (const fragment of SECRET_FRAGMENTS) expect(text).not.toContain(fragment);
    }
    expect(await rawItems(pushed.SessionId)).toEqual([]);
  });

  it('a property name with control characters is escaped in the pointer that names it', async () => {
    const name = '\u001b[2J\u001b]0;pwned\u0007\r\u009b\u202eX';
    const pushed = { ...sampleRecord(), [name]: 1e200 };

    const { envelope, entry } = await pushCapturing(JSON.stringify(pushed));

    expect(envelope.ErrCode).toBe(1002);
    expect(envelope.ErrMsg).toContain(
      '/\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{d}\\u{9b}\\u{202e}X number is out of DynamoDB',
    );
    expect(envelope.ErrMsg).not.toMatch(UNSAFE);
    expect((entry as QuarantinedPush).errMsg).not.toMatch(UNSAFE);
  });

  it('a refused Content-Type is quoted escaped and bounded, not echoed raw', async () => {
    const contentType = `text/plain; note="\u001b]0;pwned\u0007 ${'x'.repeat(500)} ${SECRET}"`;

    const { envelope } = await pushCapturing(JSON.stringify(sampleRecord()), { 'content-type': contentType });

    expect(envelope.ErrCode).toBe(1005);
    expect(envelope.ErrMsg).toBe(
      `Content-Type ${quoted(contentType)} is not accepted; expected application/json;charset=utf8`,
    );
    expect(envelope.ErrMsg).not.toMatch(UNSAFE);
    expect(envelope.ErrMsg).not.toContain(SECRET);
    expect(envelope.ErrMsg.length).toBeLessThan(160);
  });
});
