import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Set up once per container. Log lines are JSON (Powertools Logger, level from
 * POWERTOOLS_LOG_LEVEL); metrics are CloudWatch EMF lines (Powertools Metrics), flushed
 * at the end of each request (edge/lambda-entry.ts). Records never reach a log unredacted
 * (decode/known-shape.ts).
 */
export const SERVICE_NAME = 'tccc-cdr-receiver';
export const METRICS_NAMESPACE = 'TcccCdrReceiver';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** The metric names the alarms in infra/alarms.yml watch. */
export const METRIC = {
  accepted: 'PushAccepted',
  duplicate: 'PushDuplicate',
  rejected: 'PushRejected',
  quarantined: 'PushQuarantined',
  storageFailure: 'StorageFailure',
} as const;

type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * Counts one event. With `{ action }`, the count is published under two dimension sets in
 * the request's one EMF line: `service` alone (what the alarms watch, all types together)
 * and `service, action` (per push type). Any other dimension gets a line of its own, so
 * that it does not stick to the request's other metrics.
 */
export function countMetric(name: MetricName, dimensions: { action: string } | Record<string, string> = {}): void {
  const keys = Object.keys(dimensions);
  if (keys.length === 0) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  if (keys.length === 1 && keys[0] === 'action') {
    metrics.addDimensions({});
    metrics.addDimensions(dimensions);
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/**
 * What identifies a push, on the request's EMF line as metadata (kept in the log event, searchable
 * in Logs Insights, not published as metrics). An accepted push writes this one line at INFO
 * rather than a log line of its own besides, which doubled its log bytes and cost a write
 * (bench/README.md).
 */
export function identifyOnMetricsLine(keys: Readonly<Record<string, string | undefined>>): void {
  for (const [key, value] of Object.entries(keys)) if (value !== undefined) metrics.addMetadata(key, value);
}

const MAX_LOGGED_ITEMS = 50;
const MAX_LOGGED_ITEM_CHARS = 200;

/** A list fit for one log line: at most 50 entries of 200 characters, and how many there were. */
export function boundedList(items: readonly string[] | undefined): { count: number; first: string[] } | undefined {
  if (!items) return undefined;
  return {
    count: items.length,
    first: items.slice(0, MAX_LOGGED_ITEMS).map((item) => item.slice(0, MAX_LOGGED_ITEM_CHARS)),
  };
}
