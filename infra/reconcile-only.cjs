// Resolved by serverless.yml: the scheduled reconcile (docs/reconcile.md) -- its function, role,
// schedule and alarms in infra/reconcile.yml -- exists only when TCCC_SDK_APP_IDS names the
// SdkAppIds to reconcile at package time; a stage without it has none of them. Settings are
// checked here, so that a typo fails `serverless package` rather than every run.
function setting(name) {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function idList(name) {
  const text = setting(name) ?? '';
  if (text !== '' && !/^\d{1,15}(,\d{1,15})*$/.test(text.replace(/\s+/g, ''))) {
    throw new Error(`${name}=${text} is not a comma-separated list of SdkAppIds`);
  }
  return text.replace(/\s+/g, '');
}

function whole(name, fallback, min, max) {
  const text = setting(name) ?? String(fallback);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`${name}=${text} is not a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

const HOSTS = ['ccc.tencentcloudapi.com', 'ccc.intl.tencentcloudapi.com'];
function host() {
  const value = setting('TCCC_API_HOST') ?? HOSTS[0];
  if (!HOSTS.includes(value)) throw new Error(`TCCC_API_HOST=${value} is not one of ${HOSTS.join(', ')}`);
  return value;
}

const enabled = () => idList('TCCC_SDK_APP_IDS') !== '';
const whenEnabled = (value) => () => (enabled() ? value() : null);

module.exports = {
  reconcileFunction: whenEnabled(() => ({
    description: "Reconciles stored records with TCCC's pull APIs and backfills what is missing (docs/reconcile.md)",
    handler: 'handler/functions/reconcile.handler',
    role: 'ReconcileRole',
    // A day of 5,000 calls takes about 20 s (bench:reconcile); room for throttling and many apps.
    timeout: 900,
    memorySize: 512,
    // One run at a time: an overlapping run would only repeat the same reads.
    reservedConcurrency: 1,
    environment: {
      TCCC_SDK_APP_IDS: idList('TCCC_SDK_APP_IDS'),
      TCCC_PROTECTED_SDK_APP_IDS: idList('TCCC_PROTECTED_SDK_APP_IDS'),
      TCCC_API_HOST: host(),
      RECONCILE_LOOKBACK_HOURS: String(whole('RECONCILE_LOOKBACK_HOURS', 6, 1, 24 * 89)),
      RECONCILE_RECORD_DELAY_MINUTES: String(whole('RECONCILE_RECORD_DELAY_MINUTES', 60, 1, 24 * 60)),
    },
  })),
  resources: async ({ resolveVariable }) => (enabled() ? resolveVariable('file(infra/reconcile.yml):resources') : null),
  /** RECONCILE_INTERVAL_MINUTES: how often it runs (default hourly). */
  intervalMinutes: () => whole('RECONCILE_INTERVAL_MINUTES', 60, 5, 24 * 60),
};
