// Operations settings, resolved by serverless.yml (custom.*) from the environment at package time
// and checked here, so that a typo fails `serverless package` rather than a deployment (or worse,
// deploys an alarm that never fires). Defaults and meanings: docs/operations.md, "Settings".
const path = require('node:path');

const DEFAULTS = {
  HEARTBEAT_HOURS: 24,
  AGGREGATE_LAG_ALARM_MINUTES: 10,
  API_THROTTLE_RATE: 50,
  API_THROTTLE_BURST: 100,
  TOKEN_THROTTLE_RATE: 1,
  TOKEN_THROTTLE_BURST: 5,
  PUSH_RESERVED_CONCURRENCY: 20,
  READ_RESERVED_CONCURRENCY: 5,
  REPORTS_RESERVED_CONCURRENCY: 5,
  TOKEN_RESERVED_CONCURRENCY: 2,
};

function setting(name) {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A whole number in [min, max] from `name`, or its default. */
function integer(name, min, max) {
  const text = setting(name) ?? String(DEFAULTS[name]);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`${name}=${text} is not a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

/** Requests per second (API Gateway takes fractions, e.g. 0.5) from `name`, or its default. */
function rate(name) {
  const text = setting(name) ?? String(DEFAULTS[name]);
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > 10000) {
    throw new Error(`${name}=${text} is not a number of requests per second above 0 and up to 10000`);
  }
  return Number(text);
}

/**
 * Reserved concurrency from `name`: a whole number (0 would stop the function, so it is refused),
 * or `none` for no reservation (Lambda keeps part of an account's concurrency quota unreserved, and
 * a new account's quota may be too small to reserve any).
 */
function reservedConcurrency(name) {
  if (setting(name)?.toLowerCase() === 'none') return { Ref: 'AWS::NoValue' };
  return integer(name, 1, 1000);
}

/**
 * The push types (handler/push-types/push-registry.ts) and the handler's own parser of
 * RETENTION_DAYS (handler/records/retention.ts), bundled from their TypeScript by esbuild (tens
 * of milliseconds, once): the type names and the rules for days keep one home, and what packages
 * is exactly what the functions accept.
 */
let handlerModules;
function retention() {
  if (!handlerModules) {
    const { buildSync } = require('esbuild');
    const [bundle] = buildSync({
      stdin: {
        contents:
          "export { PUSH_TYPES } from './handler/push-types/push-registry';\n" +
          "export { retentionPolicyOf, MAX_RETENTION_DAYS } from './handler/records/retention';\n",
        resolveDir: path.join(__dirname, '..'),
        loader: 'ts',
      },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      write: false,
    }).outputFiles;
    const loaded = { exports: {} };
    new Function('module', 'exports', 'require', bundle.text)(loaded, loaded.exports, require);
    handlerModules = loaded.exports;
  }
  const { PUSH_TYPES, retentionPolicyOf, MAX_RETENTION_DAYS } = handlerModules;
  return { actions: PUSH_TYPES.map((type) => type.action), retentionPolicyOf, MAX_RETENTION_DAYS };
}

/**
 * RETENTION_DAYS and every RETENTION_DAYS_<TYPE> of the environment as one value,
 * `<days>[,<TYPE>=<days>...]`: the functions get it whole, since serverless-offline's
 * provider.environment would hide the shell's own, and a deployed function has no shell.
 */
function retentionDays() {
  const { actions, retentionPolicyOf } = retention();
  const { defaultDays, days } = retentionPolicyOf(process.env, actions);
  const overrides = actions
    .filter((action) => action in days)
    .map((action) => `${action.toUpperCase()}=${days[action]}`);
  return [String(defaultDays), ...overrides].join(',');
}

// A single address, as SNS's email protocol takes; nothing that could carry a second one.
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

module.exports = {
  /** ALARM_EMAIL: subscribed to the alarm topic when set (SNS asks the address to confirm). */
  alarmEmail: () => {
    const email = setting('ALARM_EMAIL') ?? '';
    if (email !== '' && !EMAIL.test(email)) throw new Error(`ALARM_EMAIL=${email} is not one e-mail address`);
    return email;
  },
  /** HEARTBEAT_HOURS: hours without an accepted push before the heartbeat alarm fires (CloudWatch: at most 7 days). */
  heartbeatHours: () => integer('HEARTBEAT_HOURS', 1, 168),
  /** AGGREGATE_LAG_ALARM_MINUTES: how far the reports' stream consumer may fall behind before its alarm fires (the stream keeps 24 h). */
  aggregateLagAlarmMilliseconds: () => integer('AGGREGATE_LAG_ALARM_MINUTES', 1, 1_200) * 60_000,
  apiThrottleRate: () => rate('API_THROTTLE_RATE'),
  apiThrottleBurst: () => integer('API_THROTTLE_BURST', 1, 5000),
  tokenThrottleRate: () => rate('TOKEN_THROTTLE_RATE'),
  tokenThrottleBurst: () => integer('TOKEN_THROTTLE_BURST', 1, 5000),
  pushReservedConcurrency: () => reservedConcurrency('PUSH_RESERVED_CONCURRENCY'),
  readReservedConcurrency: () => reservedConcurrency('READ_RESERVED_CONCURRENCY'),
  reportsReservedConcurrency: () => reservedConcurrency('REPORTS_RESERVED_CONCURRENCY'),
  tokenReservedConcurrency: () => reservedConcurrency('TOKEN_RESERVED_CONCURRENCY'),
  /** RETENTION_DAYS, RETENTION_DAYS_<TYPE>: days each push type's records are kept (0: forever); an unknown TYPE is refused. */
  retentionDays,
  DEFAULTS,
};
