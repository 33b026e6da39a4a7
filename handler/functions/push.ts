import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AuthConfig, cachedAuthConfig, prefetchSecrets } from '../auth/auth-config';
import { authenticate } from '../auth/authenticate';
import { createDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { causeOf, classifyError, ERR_CODES, type ErrCodeName, Refusal, StorageUnavailable } from '../common/errors';
import { boundedList, countMetric, identifyOnMetricsLine, logger, METRIC } from '../common/observability';
import { decodePush } from '../decode/decode-push';
import { type HttpRequest, toHttpRequest } from '../http/http-request';
import { type ApiGatewayEvent, withObservability } from '../http/lambda-entry';
import { envelopeReply, errorReply } from '../http/reply';
import { newRecordOf, receiptOf } from '../intake/new-record';
import { quarantineEntry } from '../intake/quarantine-push';
import { redactPersonalData } from '../push-types/known-shape';
import { DynamoDbQuarantineWriter } from '../records/dynamodb-quarantine-store';
import { DynamoDbRecordWriter } from '../records/dynamodb-record-writer';
import type { QuarantineWriter } from '../records/quarantine';
import type { RecordWriter, SaveOutcome } from '../records/record-store';

/** Refusals of an authenticated push whose body may still be worth keeping and replaying. */
const QUARANTINED: ReadonlySet<ErrCodeName> = new Set([
  'MALFORMED_BODY',
  'SCHEMA_VIOLATION',
  'UNKNOWN_PUSH_TYPE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
]);

/** ErrCode 0 in every case: TCCC stops retrying. An erased record is answered so, and nothing is kept (docs/privacy.md). */
const OK_MESSAGE: Readonly<Record<SaveOutcome, string>> = {
  stored: 'ok: stored',
  'stored-older': 'ok: stored',
  duplicate: 'ok: already stored',
  erased: 'ok: erased',
};

export interface PushDependencies {
  readonly store: RecordWriter;
  readonly quarantine: QuarantineWriter;
  readonly loadAuth?: () => Promise<AuthConfig>;
  readonly now?: () => Date;
}

/**
 * The push endpoint, `POST /?action=<type>[&version=1]`: event in, envelope out.
 * ErrCode 0 only once the record is durably stored.
 */
export function createPushHandler({
  store,
  quarantine,
  loadAuth = cachedAuthConfig(),
  now = () => new Date(),
}: PushDependencies) {
  async function receive(request: HttpRequest, receivedAt: Date): Promise<APIGatewayProxyResult> {
    if (request.method !== 'POST') {
      throw new Refusal('METHOD_NOT_ALLOWED', `method ${request.method.slice(0, 16)} is not allowed; pushes are POST`);
    }
    await authenticate(request.headers, await loadAuth());
    try {
      return await storePush(request, receivedAt);
    } catch (error) {
      if (error instanceof Refusal && QUARANTINED.has(error.code)) await keepInQuarantine(request, error, receivedAt);
      throw error;
    }
  }

  async function storePush(request: HttpRequest, receivedAt: Date): Promise<APIGatewayProxyResult> {
    const push = await decodePush(request);
    const action = push.type.action;
    logger.appendKeys({ sessionId: push.sessionId, action });
    // Debug lines only at a level that prints them: redacting costs a copy of the record, and even
    // a debug line not printed costs Powertools a trace id and level lookup.
    const debugging = logger.getLevelName() === 'DEBUG';
    if (debugging) {
      logger.debug('push decoded', { record: redactPersonalData(push.record, push.shape) });
    }
    const receipt = receiptOf(push, {
      receivedAt: receivedAt.toISOString(),
      requestId: request.requestId,
      pushId: request.headers['x-tccc-push-uuid'],
    });
    const { unknownFields, unknownValues } = push.novelties;
    if (unknownFields.length > 0 || unknownValues.length > 0) {
      // Pointers only (values may be personal data), and bounded: a log event holds 256 KB.
      logger.warn('push carries fields or values the schema does not document; stored as received', {
        unknownFields: boundedList(unknownFields),
        unknownValues: boundedList(unknownValues.map((pointer) => pointer.split('=')[0] as string)),
      });
    }
    const outcome: SaveOutcome = await store.save(newRecordOf(push, receipt));
    countMetric(outcome === 'duplicate' || outcome === 'erased' ? METRIC.duplicate : METRIC.accepted, { action });
    identifyOnMetricsLine({
      requestId: request.requestId,
      pushId: request.headers['x-tccc-push-uuid'],
      sessionId: push.sessionId,
      outcome,
    });
    if (debugging) logger.debug(`push ${outcome}`, { outcome });
    return envelopeReply('OK', OK_MESSAGE[outcome]);
  }

  async function keepInQuarantine(request: HttpRequest, refusal: Refusal, receivedAt: Date): Promise<void> {
    const entry = quarantineEntry(
      request,
      { errCode: ERR_CODES[refusal.code].errCode, errMsg: refusal.message },
      receivedAt,
    );
    try {
      await quarantine.put(entry);
      countMetric(METRIC.quarantined);
      logger.warn('refused push kept in quarantine', { quarantineId: entry.id });
    } catch (error) {
      // The refusal stands either way: TCCC is told, and retries.
      countMetric(METRIC.storageFailure);
      logger.error('refused push could not be quarantined', { cause: causeOf(error) });
    }
  }

  return withObservability(async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    const receivedAt = now();
    try {
      const request = toHttpRequest(event);
      logger.appendKeys({ requestId: request.requestId, pushId: request.headers['x-tccc-push-uuid'] });
      return await receive(request, receivedAt);
    } catch (error) {
      countMetric(METRIC.rejected, { ErrCode: String(ERR_CODES[classifyError(error).code].errCode) });
      // Only a real storage fault counts as one: the alarm on it must mean something.
      if (error instanceof StorageUnavailable) countMetric(METRIC.storageFailure);
      return errorReply(error, 'push');
    }
  });
}

// At init: the secrets, when they live in SSM, are on their way before the first push.
prefetchSecrets();

export const handler: (event: ApiGatewayEvent, context?: Context) => Promise<APIGatewayProxyResult> = createPushHandler(
  pushStores(),
);

/** The push function writes records and quarantine entries, and never reads records back: it carries no read code. */
function pushStores() {
  const client = createDynamoDbClient();
  return {
    store: new DynamoDbRecordWriter(client, tableName('records')),
    quarantine: new DynamoDbQuarantineWriter(client, tableName('quarantine')),
  };
}
