// What one push costs in DynamoDB write units and in dollars.
// - DynamoDB's item size rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)
//   give the write request units of an item: ceil(size / 1 KB).
// - A proxy in front of DynamoDB Local adds ReturnConsumedCapacity=TOTAL to every write the real
//   handler sends, so the units it reports can be compared with the computed ones. DynamoDB Local
//   does not check request signatures, so the body may change on the way.
// - List prices turn units, duration, requests and log bytes into a cost per million pushes.
import http from 'node:http';

const KB = 1024;

/** Bytes of a number as DynamoDB counts them: about one byte per two significant digits, plus one. */
function numberSize(text) {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** The size of one attribute value (DynamoDB JSON), as DynamoDB counts it for capacity. */
export function valueSize(value) {
  const [[type, content]] = Object.entries(value);
  switch (type) {
    case 'S':
      return Buffer.byteLength(content);
    case 'N':
      return numberSize(content);
    case 'B':
      return Buffer.from(content, 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return content.reduce((sum, item) => sum + Buffer.byteLength(item), 0);
    case 'NS':
      return content.reduce((sum, item) => sum + numberSize(item), 0);
    case 'L':
      // 3 bytes for the list, 1 per element.
      return 3 + content.reduce((sum, item) => sum + 1 + valueSize(item), 0);
    case 'M':
      // 3 bytes for the map, 1 per element, and each element's name.
      return (
        3 +
        Object.entries(content).reduce((sum, [name, item]) => sum + 1 + Buffer.byteLength(name) + valueSize(item), 0)
      );
    default:
      throw new Error(`unknown attribute type ${type}`);
  }
}

/** An item's size: the names and values of its attributes. */
export const itemSize = (item) =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

/** Write request units of a standard (non-transactional) write of an item of `bytes`. */
export const writeUnits = (bytes) => Math.max(1, Math.ceil(bytes / KB));

/**
 * A proxy to DynamoDB Local that adds ReturnConsumedCapacity=TOTAL to each write and records, per
 * request: the operation, the size of the item written, the units DynamoDB Local reported, and
 * whether the condition failed. A failed conditional write is charged too, on the larger of the
 * item sent and the item stored (DynamoDB's rule); the stored one comes back with
 * ReturnValuesOnConditionCheckFailure.
 */
export function startCapacityProxy(target) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const calls = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
      let body = Buffer.concat(chunks);
      let input;
      if (['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems'].includes(operation)) {
        input = JSON.parse(body.toString('utf8'));
        body = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' }));
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const parts = [];
          answer.on('data', (chunk) => parts.push(chunk));
          answer.on('end', () => {
            const raw = Buffer.concat(parts);
            if (input) {
              const output = JSON.parse(raw.toString('utf8') || '{}');
              const conditionFailed = String(output.__type ?? '').endsWith('ConditionalCheckFailedException');
              const sent = input.Item ? itemSize(input.Item) : undefined;
              const stored = output.Item ? itemSize(output.Item) : undefined;
              calls.push({
                operation,
                conditionFailed,
                itemBytes: sent,
                storedBytes: stored,
                reportedUnits: output.ConsumedCapacity?.CapacityUnits,
                // Charged either way: on the larger item when the condition failed.
                computedUnits: sent === undefined ? undefined : writeUnits(Math.max(sent, stored ?? 0)),
              });
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(raw);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        calls,
        close: () => {
          agent.destroy();
          server.closeAllConnections?.();
          server.close();
        },
      }),
    );
  });
}

/**
 * List prices, US East (N. Virginia), first pricing tier, as published by AWS in 2025: the region
 * whose prices are best known; ap-southeast-1 (serverless.yml's default) costs up to ~15% more
 * for DynamoDB and Logs. Change them here for another region.
 */
export const PRICES = {
  region: 'us-east-1',
  /** DynamoDB on-demand, per write request unit (standard table class): $0.625 per million. */
  dynamoDbWriteUnit: 0.625 / 1e6,
  /** Lambda arm64 duration, per GB-second (first 7.5 billion GB-s a month). */
  lambdaGbSecond: 0.0000133334,
  /** Lambda requests: $0.20 per million. */
  lambdaRequest: 0.2 / 1e6,
  /** API Gateway HTTP API requests (up to 512 KB each): $1.00 per million (first 300 million). */
  httpApiRequest: 1.0 / 1e6,
  /** CloudWatch Logs ingestion, standard log class: $0.50 per GB. */
  logsIngestedGb: 0.5,
};

/**
 * The lines Lambda itself writes per invocation (text log format): START, END and REPORT,
 * about 60, 50 and 130 bytes with a request id, durations and memory figures.
 */
export const LAMBDA_PLATFORM_LOG_BYTES = 240;

/**
 * Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB
 * (AWS Lambda docs, "Configure Lambda function memory").
 */
export const FULL_VCPU_MB = 1769;

/**
 * Cost per million pushes. Lambda's duration is a model, not a measurement: the CPU time a push
 * takes here (measured), stretched by the share of a vCPU the function's memory buys, plus the
 * round trips to DynamoDB (`dynamoDbRoundTripMs` each), rounded up to Lambda's 1 ms billing.
 */
export function costPerMillion({
  writeUnits: units,
  cpuUsPerPush,
  requestsPerPush,
  logBytesPerPush,
  memoryMb,
  dynamoDbRoundTripMs,
}) {
  const cpuShare = Math.min(1, memoryMb / FULL_VCPU_MB);
  const durationMs = Math.ceil(cpuUsPerPush / 1000 / cpuShare + requestsPerPush * dynamoDbRoundTripMs);
  const million = 1e6;
  const parts = {
    dynamoDb: units * PRICES.dynamoDbWriteUnit * million,
    lambdaDuration: (memoryMb / 1024) * (durationMs / 1000) * PRICES.lambdaGbSecond * million,
    lambdaRequests: PRICES.lambdaRequest * million,
    httpApi: PRICES.httpApiRequest * million,
    logs: ((logBytesPerPush + LAMBDA_PLATFORM_LOG_BYTES) / 1024 ** 3) * PRICES.logsIngestedGb * million,
  };
  return { durationMs, parts, total: Object.values(parts).reduce((sum, value) => sum + value, 0) };
}
