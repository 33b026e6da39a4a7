import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// Before the handler's modules load: logs at DEBUG, metrics on (the other tests silence both).
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

import { loadAuthConfig } from '../handler/auth/auth-config';
import { createDynamoDbClient } from '../handler/aws/dynamodb-client';
import { logger } from '../handler/common/observability';
import { createPushHandler } from '../handler/functions/push';
import { DynamoDbRecordStore } from '../handler/records/dynamodb-record-store';
import { countingStore, quarantineStore } from './support/dynamodb';
import { captureJsonLines as capture } from './support/emf';
import { pushEvent, sampleRecord } from './support/events';

const PERSONAL = {
  UserNickName: 'pii-user-nick-小君君',
  UserRemark: 'pii-remark-vip',
  ClientData: 'cGlpLWNsaWVudC1kYXRh',
  SeatUser: {
    Mail: 'pii-agent@example.com',
    Phone: '+86-13800001111',
    Nick: 'pii-agent-nick',
    Name: 'pii-agent-name',
    UserId: 'pii-agent-id@example.com',
    SkillGroupNameList: ['pii-skill-group'],
  },
  UserId: 'pii-user-id',
  CallerPhone: '+86-13900002222', // a field TCCC may add: unknown, so redacted too
};
const PERSONAL_VALUES = [
  'pii-user-nick',
  'pii-remark-vip',
  'cGlpLWNsaWVudC1kYXRh',
  'pii-agent@example.com',
  '13800001111',
  'pii-agent-nick',
  '13900002222',
  'pii-agent-name',
  'pii-agent-id',
  'pii-skill-group',
  'pii-user-id',
];

const metricNames = (lines: Array<Record<string, any>>) =>
  lines.flatMap((line) =>
    (line._aws?.CloudWatchMetrics ?? []).flatMap(
      (directive: { Metrics: Array<{ Name: string }>; Dimensions: string[][] }) =>
        directive.Metrics.map((metric) => ({
          name: metric.Name,
          value: line[metric.Name],
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((key) => [key, line[key]])),
          dimensionSets: directive.Dimensions,
        })),
    ),
  );

const handler = createPushHandler({ store: countingStore().store, quarantine: quarantineStore() });
const push = (record: unknown, pushId: string, extra: Partial<APIGatewayProxyEventV2> = {}) =>
  handler({
    ...pushEvent(record, { headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': pushId } }),
    ...extra,
  });

describe('logs: structured, correlated, personal data redacted', () => {
  it('puts push id, SessionId and request id on every line of a stored push, and no personal data', async () => {
    const record = sampleRecord(PERSONAL);
    const event = pushEvent(record, { headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'obs-1' } });

    const lines = await capture(() => handler(event));

    const logLines = lines.filter((line) => line.level);
    expect(logLines.map((line) => line.message)).toEqual(expect.arrayContaining(['push decoded', 'push stored']));
    for (const line of logLines) {
      expect(line).toMatchObject({
        pushId: 'obs-1',
        sessionId: record.SessionId,
        requestId: event.requestContext.requestId,
        service: 'tccc-cdr-receiver',
      });
    }
    const text = JSON.stringify(lines);
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
    const decoded = logLines.find((line) => line.message === 'push decoded');
    expect(decoded?.record).toMatchObject({
      UserNickName: '[redacted]',
      UserRemark: '[redacted]',
      ClientData: '[redacted]',
      CallerPhone: '[redacted]',
      UserId: '[redacted]',
      SeatUser: {
        Mail: '[redacted]',
        Phone: '[redacted]',
        Nick: '[redacted]',
        Name: '[redacted]',
        UserId: '[redacted]',
        SkillGroupNameList: '[redacted]',
      },
      SessionId: record.SessionId,
    });
  });

  it('never echoes a refused record’s values', async () => {
    const record = sampleRecord({ ...PERSONAL, SeatUser: { Phone: 13800001111 } });

    const lines = await capture(() => push(record, 'obs-2'));

    const refused = lines.find((line) => line.message === 'push refused');
    expect(refused).toMatchObject({
      errMsg: expect.stringContaining('/SeatUser/Phone must be string'),
      pushId: 'obs-2',
    });
    const text = JSON.stringify(lines);
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
  });
});

describe('metrics: CloudWatch EMF', () => {
  it('counts accepted, duplicate, rejected by ErrCode and quarantined pushes', async () => {
    const record = sampleRecord();

    const lines = await capture(async () => {
      await push(record, 'm-1');
      await push(record, 'm-1');
      await push({ ...record, SdkAppId: 'x' }, 'm-2');
    });

    const metrics = metricNames(lines);
    expect(metrics).toEqual(
      expect.arrayContaining([
        // All types together for the alarms, and per push type.
        expect.objectContaining({
          name: 'PushAccepted',
          value: 1,
          dimensions: { service: 'tccc-cdr-receiver', action: 'videoCdr' },
          dimensionSets: [['service'], ['service', 'action']],
        }),
        expect.objectContaining({ name: 'PushDuplicate', value: 1 }),
        expect.objectContaining({
          name: 'PushRejected',
          value: 1,
          dimensions: expect.objectContaining({ ErrCode: '1002' }),
        }),
        expect.objectContaining({ name: 'PushQuarantined', value: 1 }),
      ]),
    );
    expect(lines.find((line) => line._aws)?._aws.CloudWatchMetrics[0].Namespace).toBe('TcccCdrReceiver');
  });

  it('writes one line for an accepted push at INFO: its EMF line, which says which push it was', async () => {
    const record = sampleRecord();
    const event = pushEvent(record, {
      headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'one-line' },
    });
    logger.setLogLevel('INFO');
    let lines: Array<Record<string, any>>;
    try {
      lines = await capture(() => handler(event));
    } finally {
      logger.setLogLevel('DEBUG');
    }

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      PushAccepted: 1,
      action: 'videoCdr',
      requestId: event.requestContext.requestId,
      pushId: 'one-line',
      sessionId: record.SessionId,
      outcome: 'stored',
    });
    // Metadata, not metrics: the directive names PushAccepted alone.
    expect(metricNames(lines).map((metric) => metric.name)).toEqual(['PushAccepted']);
  });

  it('counts storage failures', async () => {
    const client = createDynamoDbClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const failing = createPushHandler({
      store: new DynamoDbRecordStore(client, 'no-table', 500),
      quarantine: quarantineStore(),
      loadAuth: () => loadAuthConfig({ TCCC_AUTH: 'none' }),
    });

    const lines = await capture(() => failing(pushEvent(sampleRecord())));

    expect(metricNames(lines)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'StorageFailure', value: 1 }),
        expect.objectContaining({ name: 'PushRejected', dimensions: expect.objectContaining({ ErrCode: '2001' }) }),
      ]),
    );
  });
});

describe('bounded log lines and honest storage metrics', () => {
  it('keeps the warning about thousands of unknown fields under CloudWatch’s 256 KB event limit', async () => {
    // A `/` in a name is `~1` in its pointer: unbounded, 200 KB of pointers from a 110 KB body.
    const unknown = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`${'/'.repeat(100)}${i}`, 0]));

    const lines = await capture(() => push(sampleRecord(unknown), 'obs-wide'));

    const warning = lines.find((line) => line.message?.startsWith('push carries fields'));
    expect(warning?.unknownFields).toMatchObject({ count: 1_000 });
    expect(Buffer.byteLength(JSON.stringify(warning))).toBeLessThan(16 * 1024);
    for (const line of lines) expect(Buffer.byteLength(JSON.stringify(line))).toBeLessThan(256 * 1024);
  });

  it('counts no storage failure when many different versions of one record race', async () => {
    const base = sampleRecord();

    const lines = await capture(() =>
      Promise.all(Array.from({ length: 20 }, (_, i) => push({ ...base, UserRemark: `race ${i}` }, `race-${i}`))),
    );

    const names = metricNames(lines).map((metric) => metric.name);
    expect(names.filter((name) => name === 'PushAccepted')).toHaveLength(20);
    expect(names).not.toContain('StorageFailure');
  });
});
