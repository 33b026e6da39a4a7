import path from 'node:path';
import type { ItemSize } from './capacity-meter';
import type { DayReplay } from './day-replay';

/** What bench/capacity.mjs exports (its list prices, Lambda's log lines and CPU share, DynamoDB's item size). */
export interface CapacityModule {
  PRICES: {
    region: string;
    dynamoDbWriteUnit: number;
    lambdaGbSecond: number;
    lambdaRequest: number;
    httpApiRequest: number;
    logsIngestedGb: number;
  };
  LAMBDA_PLATFORM_LOG_BYTES: number;
  FULL_VCPU_MB: number;
  itemSize: ItemSize;
}

export const loadCapacityModule = async (): Promise<CapacityModule> =>
  (await import(path.join(__dirname, '..', 'capacity.mjs'))) as CapacityModule;

/** DynamoDB on-demand reads, us-east-1, standard table class (the 2024 price, with the WRU price in capacity.mjs): $0.125 per million RRU. */
export const READ_UNIT_PRICE = 0.125 / 1e6;
/** A DynamoDB request's wait in Lambda, as `npm run bench` models it (BENCH_DYNAMODB_RTT_MS). */
export const DYNAMODB_ROUND_TRIP_MS = Number(process.env.BENCH_DYNAMODB_RTT_MS ?? 5);

export interface CostLine {
  readonly component: string;
  readonly what: string;
  readonly dollars: number;
}

const sumWhere = (units: Map<string, number>, test: (key: string) => boolean) =>
  [...units].reduce((sum, [key, value]) => (test(key) ? sum + value : sum), 0);

/**
 * The whole system's cost per million new session-level pushes, by component, from a replayed
 * day: every unit counted there, Lambda's duration modelled as `npm run bench` does (the CPU
 * measured here stretched by the share of a vCPU the memory buys, plus a round trip per
 * DynamoDB request, billed by the ms, per invocation) and the log bytes the handlers wrote
 * plus Lambda's START/END/REPORT lines per invocation.
 */
export function costPerMillion(day: DayReplay, capacity: CapacityModule, memoryMb: number): CostLine[] {
  const { PRICES, LAMBDA_PLATFORM_LOG_BYTES, FULL_VCPU_MB } = capacity;
  const million = 1e6;
  const per = (value: number) => value / day.pushes;
  const { CdrTable, ReportTable } = day.tables;
  const share = Math.min(1, memoryMb / FULL_VCPU_MB);
  const billedMs = (cpuUs: number, requests: number) =>
    Math.ceil(cpuUs / 1000 / share + requests * DYNAMODB_ROUND_TRIP_MS);
  const gbSeconds = (ms: number) => (memoryMb / 1024) * (ms / 1000);

  const recordWrites = per(day.writeUnits.get(CdrTable) ?? 0);
  const indexWrites = per(sumWhere(day.writeUnits, (key) => key.startsWith(`${CdrTable}/`)));
  const reportWrites = per(day.writeUnits.get(ReportTable) ?? 0);
  const reads = per(sumWhere(day.readUnits, () => true));
  const pushMs = billedMs(per(day.push.cpuUs), per(day.push.requests));
  const consumerMs = per(day.batches.reduce((sum, batch) => sum + billedMs(batch.cpuUs, batch.requests), 0));
  const invocations = per(day.batches.length);
  const logBytes = per(day.push.logs.bytes + day.consumerLogs.bytes) + (1 + invocations) * LAMBDA_PLATFORM_LOG_BYTES;
  const wru = PRICES.dynamoDbWriteUnit * million;
  return [
    { component: 'push path: record item', what: `${recordWrites.toFixed(2)} WRU`, dollars: recordWrites * wru },
    { component: 'indexes: byEndTime + bySeat', what: `${indexWrites.toFixed(2)} WRU`, dollars: indexWrites * wru },
    {
      component: 'aggregates: report table + currency reads',
      what: `${reportWrites.toFixed(2)} WRU + ${reads.toFixed(2)} RRU`,
      dollars: reportWrites * wru + reads * READ_UNIT_PRICE * million,
    },
    {
      component: 'Lambda push: requests + GB-s',
      what: `1 invocation, ${pushMs} ms billed at ${memoryMb} MB`,
      dollars: PRICES.lambdaRequest * million + gbSeconds(pushMs) * PRICES.lambdaGbSecond * million,
    },
    {
      component: 'Lambda consumer: requests + GB-s',
      what: `${invocations.toFixed(2)} invocations, ${consumerMs.toFixed(1)} ms billed`,
      dollars: invocations * PRICES.lambdaRequest * million + gbSeconds(consumerMs) * PRICES.lambdaGbSecond * million,
    },
    { component: 'HTTP API requests', what: '1 request', dollars: PRICES.httpApiRequest * million },
    {
      component: 'CloudWatch Logs ingestion',
      what: `${Math.round(logBytes)} B (push ${Math.round(per(day.push.logs.bytes))}, consumer ${Math.round(per(day.consumerLogs.bytes))}, Lambda's lines)`,
      dollars: (logBytes / 1024 ** 3) * PRICES.logsIngestedGb * million,
    },
  ];
}
