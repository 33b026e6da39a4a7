import { type TcccApi, TcccApiError } from './tccc-api';

/**
 * Paging through TCCC's lists for one SdkAppId and window, with each API's quirks:
 * - DescribeTelCdr, DescribeProtectedTelCdr: `StartTimeStamp`/`EndTimeStamp` (capital S),
 *   `PageSize` <= 100 and `PageNumber` a 0-based page;
 * - DescribeIMCdrList: `StartTimestamp`/`EndTimestamp`, `Limit` <= 100 and `Offset` a record offset.
 * A window is cut into spans under TCCC's 90 days. The first page of a span tells TotalCount;
 * the rest are then asked for together (the rate limiter spaces them). A page that fails for
 * good is reported and skipped: the others still count.
 */
export const PAGE_SIZE = 100;
const DAY = 86_400;
/** Under the documented "end - start < 90 days". */
export const MAX_SPAN_SECONDS = 89 * DAY;

export type TelCdrApi = 'DescribeTelCdr' | 'DescribeProtectedTelCdr';
export type PullApi = TelCdrApi | 'DescribeIMCdrList';

/** Unix seconds, both ends included (as TCCC's APIs take them). */
export interface Window {
  readonly from: number;
  readonly to: number;
}

export interface Pulled {
  readonly info: Record<string, unknown>;
  readonly api: PullApi;
  /** TCCC's RequestId of the page it came on: what a support ticket to Tencent quotes. */
  readonly requestId: string | undefined;
}

export interface PageFailure {
  readonly api: PullApi;
  readonly sdkAppId: number;
  /** PageNumber (telephone) or Offset (chats); -1: the span's first page, so its size is unknown. */
  readonly page: number;
  readonly code: string;
  readonly requestId: string | undefined;
}

export interface Listing {
  readonly items: Pulled[];
  readonly failures: PageFailure[];
}

export function spansOf(window: Window): Window[] {
  const spans: Window[] = [];
  for (let from = window.from; from <= window.to; from += MAX_SPAN_SECONDS + 1) {
    spans.push({ from, to: Math.min(window.to, from + MAX_SPAN_SECONDS) });
  }
  return spans;
}

interface Paging {
  readonly listKey: string;
  /** Request parameters of page `index` (0-based). */
  params(span: Window, index: number): Record<string, unknown>;
  /** What the failure report calls page `index`. */
  pageLabel(index: number): number;
}

const TEL_CDR_PAGING = (sdkAppId: number): Paging => ({
  listKey: 'TelCdrList',
  params: (span, index) => ({
    SdkAppId: sdkAppId,
    StartTimeStamp: span.from,
    EndTimeStamp: span.to,
    PageSize: PAGE_SIZE,
    PageNumber: index,
  }),
  pageLabel: (index) => index,
});

const IM_CDR_PAGING = (sdkAppId: number): Paging => ({
  listKey: 'IMCdrList',
  params: (span, index) => ({
    SdkAppId: sdkAppId,
    StartTimestamp: span.from,
    EndTimestamp: span.to,
    Limit: PAGE_SIZE,
    Offset: index * PAGE_SIZE,
  }),
  pageLabel: (index) => index * PAGE_SIZE,
});

async function listAll(api: TcccApi, action: PullApi, sdkAppId: number, paging: Paging, window: Window) {
  const items: Pulled[] = [];
  const failures: PageFailure[] = [];
  const fail = (page: number, error: unknown) => {
    if (!(error instanceof TcccApiError)) throw error;
    failures.push({ api: action, sdkAppId, page, code: error.code, requestId: error.requestId });
  };
  const take = (response: Record<string, unknown>) => {
    const list = response[paging.listKey];
    const requestId = typeof response.RequestId === 'string' ? response.RequestId : undefined;
    for (const info of Array.isArray(list) ? list : []) {
      if (typeof info === 'object' && info !== null) items.push({ info, api: action, requestId });
    }
    return Array.isArray(list) ? list.length : 0;
  };
  for (const span of spansOf(window)) {
    let total: number;
    try {
      const first = await api.request(action, paging.params(span, 0));
      take(first);
      total = Number(first.TotalCount ?? 0);
    } catch (error) {
      fail(-1, error);
      continue;
    }
    const pages = Math.ceil(total / PAGE_SIZE);
    await Promise.all(
      Array.from({ length: Math.max(0, pages - 1) }, async (_, i) => {
        try {
          take(await api.request(action, paging.params(span, i + 1)));
        } catch (error) {
          fail(paging.pageLabel(i + 1), error);
        }
      }),
    );
  }
  return { items, failures };
}

export function listTelCdrs(api: TcccApi, action: TelCdrApi, sdkAppId: number, window: Window): Promise<Listing> {
  return listAll(api, action, sdkAppId, TEL_CDR_PAGING(sdkAppId), window);
}

export function listImCdrs(api: TcccApi, sdkAppId: number, window: Window): Promise<Listing> {
  return listAll(api, 'DescribeIMCdrList', sdkAppId, IM_CDR_PAGING(sdkAppId), window);
}
