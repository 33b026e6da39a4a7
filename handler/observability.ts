import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Set up once per container. Log lines are JSON (Powertools Logger, level from
 * POWERTOOLS_LOG_LEVEL); metrics are CloudWatch EMF lines (Powertools Metrics), flushed
 * at the end of each request. Records never reach a log unredacted (decode/known-shape.ts).
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

export function countMetric(name: (typeof METRIC)[keyof typeof METRIC], dimensions: Record<string, string> = {}): void {
  if (Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  // A metric of its own, so that its dimension does not stick to the request's other metrics.
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
