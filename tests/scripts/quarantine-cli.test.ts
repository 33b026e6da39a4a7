import { randomUUID } from 'node:crypto';
import type { QuarantinedPush } from '../../handler/records/quarantine';
import { quarantineStore } from '../support/dynamodb';
import { quarantineCli } from '../support/quarantine-cli';

/**
 * What a hostile entry could hold: clear screen, a window title (OSC ... BEL), a carriage
 * return that rewrites the line, C1 CSI (0x9b), a right-to-left override, DEL, a line separator.
 */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\rfake line\u009b31m\u202eevil\u007f\u2028';
const RAW_UNSAFE = ['\u001b', '\u0007', '\r', '\u009b', '\u202e', '\u007f', '\u2028'];

const quarantine = quarantineStore();

function hostileEntry(): QuarantinedPush {
  const receivedAt = new Date();
  return {
    id: `${randomUUID()}${HOSTILE}`,
    receivedAt: receivedAt.toISOString(),
    expiresAt: Math.floor(receivedAt.getTime() / 1000) + 3600,
    errCode: 1001,
    errMsg: `body is not valid JSON ${HOSTILE}`,
    requestId: `req-${HOSTILE}`,
    method: 'POST',
    query: { action: `videoCdr${HOSTILE}`, version: '1' },
    headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': HOSTILE },
    body: new Uint8Array(Buffer.from(`{"UserRemark":"${HOSTILE}"}`)),
    bodySize: 40,
    bodyTruncated: false,
  };
}

const rawUnsafeIn = (text: string) => RAW_UNSAFE.filter((char) => text.includes(char));

describe('npm run quarantine prints no raw control or bidi character', () => {
  const entry = hostileEntry();
  beforeAll(() => quarantine.put(entry));
  afterAll(() => quarantine.remove(entry.id));

  it('list: the entry is there, every stored string escaped', () => {
    const { stdout, status } = quarantineCli('list');

    expect(status).toBe(0);
    const line = stdout.split('\n').find((candidate) => candidate.startsWith(entry.id.slice(0, 36))) ?? '';
    expect(line).toMatch(/^[0-9a-f-]{36}\\u\{1b\}\[2J\\u\{1b\}\]0;owned\\u\{7\}\\u\{d\}fake line/);
    expect(line).toContain('body is not valid JSON \\u{1b}[2J\\u{1b}]0;owned\\u{7}\\u{d}fake line\\u{9b}31m\\u{202e}');
    expect(line).toContain('action=videoCdr\\u{1b}[2J');
    expect(rawUnsafeIn(stdout)).toEqual([]);
  }, 60_000);

  it('show: JSON that parses back to the entry exactly, with nothing raw in it', () => {
    const { stdout, status } = quarantineCli('show', entry.id);

    expect(status).toBe(0);
    expect(rawUnsafeIn(stdout)).toEqual([]);
    expect(JSON.parse(stdout)).toMatchObject({
      id: entry.id,
      errMsg: entry.errMsg,
      requestId: entry.requestId,
      query: entry.query,
      headers: entry.headers,
      body: Buffer.from(entry.body).toString('utf8'),
    });
  }, 60_000);

  it('replay: the entry it names is escaped too', () => {
    const { stdout, status } = quarantineCli('replay', entry.id);

    expect(status).toBe(1);
    expect(stdout).toMatch(/^[0-9a-f-]{36}\\u\{1b\}\[2J.*: still refused \(UNKNOWN_PUSH_TYPE: /);
    expect(rawUnsafeIn(stdout)).toEqual([]);
  }, 60_000);

  it('an unknown id given on the command line is escaped in the error', () => {
    const { stderr, status } = quarantineCli('show', `no-such-id${HOSTILE}`);

    expect(status).toBe(1);
    expect(stderr).toContain('quarantine: no quarantined push no-such-id\\u{1b}[2J');
    expect(rawUnsafeIn(stderr.replace(/^npm error.*$/gm, ''))).toEqual([]);
  }, 60_000);
});
