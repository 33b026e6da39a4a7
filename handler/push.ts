import type { APIGatewayProxyResult } from 'aws-lambda';
import { type AuthConfig, cachedAuthConfig } from './auth/auth-config';
import { authenticate } from './auth/authenticate';
import { redactPersonalData } from './decode/known-shape';
import { decodePush } from './decode/push-types';
import { classifyError } from './edge/classify-error';
import { ERR_CODES, type ErrCodeName } from './edge/err-codes';
import { type ApiGatewayEvent, type HttpRequest, toHttpRequest } from './edge/http-request';
import { envelopeReply, PushRefusal } from './edge/reply';
import { countMetric, logger, METRIC, metrics } from './observability';
import { quarantineEntry } from './quarantine-push';
import { receiptOf } from './receipt';
import { type CdrStore, StorageUnavailable } from './store/cdr-store';
import { defaultStores } from './store/default-stores';
import type { QuarantineStore } from './store/quarantine';

/** Refusals of an authenticated push whose body may still be worth keeping and replaying. */
const QUARANTINED: ReadonlySet<ErrCodeName> = new Set([
  'MALFORMED_BODY',
  'SCHEMA_VIOLATION',
  'UNKNOWN_PUSH_TYPE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
]);

export interface PushDependencies {
  readonly store: CdrStore;
  readonly quarantine: QuarantineStore;
  readonly loadAuth?: () => Promise<AuthConfig>;
  readonly now?: () => Date;
}

/**
 * The push endpoint, `POST /?action=videoCdr&version=1`: event in, envelope out.
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
      throw new PushRefusal('METHOD_NOT_ALLOWED', `method ${request.method} is not allowed; pushes are POST`);
    }
    await authenticate(request.headers, await loadAuth());
    try {
      return await storePush(request, receivedAt);
    } catch (error) {
      if (error instanceof PushRefusal && QUARANTINED.has(error.code))
        await keepInQuarantine(request, error, receivedAt);
      throw error;
    }
  }

  async function storePush(request: HttpRequest, receivedAt: Date): Promise<APIGatewayProxyResult> {
    const push = decodePush(request);
    logger.appendKeys({ sessionId: push.record.SessionId });
    // Redacting costs a copy of the record: only for a level that prints it.
    if (logger.getLevelName() === 'DEBUG') {
      logger.debug('push decoded', { record: redactPersonalData(push.record, push.shape) });
    }
    const receipt = receiptOf(push, {
      receivedAt: receivedAt.toISOString(),
      requestId: request.requestId,
      pushId: request.headers['x-tccc-push-uuid'],
    });
    if (receipt.unknownFields || receipt.unknownValues) {
      logger.warn('push carries fields or values the schema does not document; stored as received', {
        unknownFields: receipt.unknownFields,
        unknownValues: receipt.unknownValues,
      });
    }
    const outcome = await store.save(push.record, receipt);
    countMetric(outcome === 'duplicate' ? METRIC.duplicate : METRIC.accepted);
    logger.info(`push ${outcome}`, { outcome });
    return envelopeReply('OK', outcome === 'duplicate' ? 'ok: already stored' : 'ok: stored');
  }

  async function keepInQuarantine(request: HttpRequest, refusal: PushRefusal, receivedAt: Date): Promise<void> {
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
      logger.error('refused push could not be quarantined', { error: (error as Error).message });
    }
  }

  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    const receivedAt = now();
    try {
      const request = toHttpRequest(event);
      logger.appendKeys({ requestId: request.requestId, pushId: request.headers['x-tccc-push-uuid'] });
      return await receive(request, receivedAt);
    } catch (error) {
      const { code, errMsg } = classifyError(error);
      const reply = envelopeReply(code, errMsg);
      countMetric(METRIC.rejected, { ErrCode: String(ERR_CODES[code].errCode) });
      if (error instanceof StorageUnavailable) countMetric(METRIC.storageFailure);
      const detail = error instanceof PushRefusal ? {} : { error: (error as Error)?.message ?? String(error) };
      if (reply.statusCode >= 500)
        logger.error('push refused', { statusCode: reply.statusCode, errCode: code, errMsg, ...detail });
      else logger.warn('push refused', { statusCode: reply.statusCode, errCode: code, errMsg });
      return reply;
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

export const handler = createPushHandler(defaultStores());
