import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import { Misconfigured } from '../common/errors';

/**
 * TCCC's API (ccc, 2020-02-10) through the SDK's CommonClient (there is no per-product ccc
 * package), TC3-HMAC-SHA256 signed by the SDK. Every request waits its turn under the
 * documented 20 requests a second (its scope is not documented: taken as the account's),
 * and a throttled or internally failed request is tried again after a growing, jittered pause.
 */
export const TCCC_API_VERSION = '2020-02-10';
/** The China site's host and the international one; the sources disagree on which an international account needs. */
export const TCCC_API_HOSTS = ['ccc.tencentcloudapi.com', 'ccc.intl.tencentcloudapi.com'] as const;
export const TCCC_REQUESTS_PER_SECOND = 20;
/** The SDK's own default is 60 s: a page must not hold a 15-minute Lambda that long. */
const REQUEST_TIMEOUT_SECONDS = 10;
export const MAX_ATTEMPTS = 5;
/** Throttling is waited out longer: the limiter slows down meanwhile, so it passes. */
export const MAX_THROTTLED_ATTEMPTS = 10;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

export type TcccResponse = Record<string, unknown> & { RequestId?: string };

export interface TcccApi {
  /** One action's `Response`, or a TcccApiError once its attempts are spent. */
  request(action: string, params: Record<string, unknown>): Promise<TcccResponse>;
  /** Requests sent so far, retries included. */
  readonly requestsSent: number;
}

export interface TcccApiSettings {
  readonly secretId: string;
  readonly secretKey: string;
  /** One of TCCC_API_HOSTS. */
  readonly host: string;
  /** `http://127.0.0.1:4599` or the like: a stand-in, instead of the host (never deployed). */
  readonly endpoint?: string;
}

export class TcccApiError extends Error {
  constructor(
    readonly action: string,
    /** TCCC's error code, e.g. `RequestLimitExceeded`, or `NetworkError`. */
    readonly code: string,
    readonly requestId: string | undefined,
    message: string,
  ) {
    super(`${action}: ${code}: ${message}`);
    this.name = 'TcccApiError';
  }
}

/** Throttling (`RequestLimitExceeded`, `RequestLimitExceeded.*`), TCCC's own faults, the network: worth another try. */
export function isRetryable(code: string): boolean {
  return /^(RequestLimitExceeded|InternalError|ResourceUnavailable|NetworkError)(\.|$)/.test(code);
}

/**
 * Spaces request starts at least 1/rate seconds apart, whoever asks. Throttled anyway (the
 * limit's scope is unknown: another client may share it), it halves its rate, at most once a
 * second (concurrent requests throttled together count once), down to one a second.
 */
export class RateLimiter {
  private next = 0;
  private slowedAt = Number.NEGATIVE_INFINITY;
  constructor(
    private perSecond: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  get rate(): number {
    return this.perSecond;
  }

  throttled(): void {
    if (this.now() - this.slowedAt < 1000) return;
    this.slowedAt = this.now();
    this.perSecond = Math.max(1, this.perSecond / 2);
  }

  async take(): Promise<void> {
    const at = Math.max(this.now(), this.next);
    this.next = at + 1000 / this.perSecond;
    const wait = at - this.now();
    if (wait > 0) await this.sleep(wait);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The CommonClient's endpoint and protocol: the host, or the endpoint override split into both. */
export function clientTarget(settings: Pick<TcccApiSettings, 'host' | 'endpoint'>): {
  endpoint: string;
  protocol: string;
} {
  if (settings.endpoint) {
    const url = new URL(settings.endpoint);
    return { endpoint: url.host, protocol: `${url.protocol}//` };
  }
  if (!(TCCC_API_HOSTS as readonly string[]).includes(settings.host)) {
    throw new Misconfigured(`TCCC API host ${settings.host} is not one of ${TCCC_API_HOSTS.join(', ')}`);
  }
  return { endpoint: settings.host, protocol: 'https://' };
}

type Send = (action: string, params: Record<string, unknown>) => Promise<TcccResponse>;

/** CommonClient, signing with the settings' keys; no region (ccc's APIs do not need one). */
export function commonClientSend(settings: TcccApiSettings): Send {
  const { endpoint, protocol } = clientTarget(settings);
  const client = new CommonClient(endpoint, TCCC_API_VERSION, {
    credential: { secretId: settings.secretId, secretKey: settings.secretKey },
    profile: { httpProfile: { endpoint, protocol, reqTimeout: REQUEST_TIMEOUT_SECONDS } },
  });
  return (action, params) => client.request(action, params) as Promise<TcccResponse>;
}

/** Rate-limited, retrying requests over `send` (the SDK, or a test's). */
export function createTcccApi(
  send: Send,
  {
    limiter = new RateLimiter(TCCC_REQUESTS_PER_SECOND, sleep),
    pause = sleep,
    random = Math.random,
    onRetry = (_error: TcccApiError) => {},
  } = {},
): TcccApi {
  let requestsSent = 0;
  return {
    get requestsSent() {
      return requestsSent;
    },
    async request(action, params) {
      for (let attempt = 1; ; attempt++) {
        await limiter.take();
        requestsSent++;
        try {
          return await send(action, params);
        } catch (caught) {
          const error = asApiError(action, caught);
          const throttled = error.code.startsWith('RequestLimitExceeded');
          if (!isRetryable(error.code) || attempt >= (throttled ? MAX_THROTTLED_ATTEMPTS : MAX_ATTEMPTS)) throw error;
          if (throttled) limiter.throttled();
          onRetry(error);
          // Full jitter: concurrent pages that were throttled together do not come back together.
          await pause(random() * Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
        }
      }
    },
  };
}

/** The SDK throws TencentCloudSDKHttpException (`.code` from TCCC's reply; none for a network fault). */
function asApiError(action: string, error: unknown): TcccApiError {
  const { code, requestId, message } = error as { code?: string; requestId?: string; message?: string };
  return new TcccApiError(action, code || 'NetworkError', requestId || undefined, String(message ?? error));
}
