import { Misconfigured } from '../common/errors';
import { DAY } from '../common/utc-buckets';

/**
 * How long each push type's records are kept: RETENTION_DAYS for every type, overridden per
 * type by RETENTION_DAYS_<TYPE> (RETENTION_DAYS_CDR=400, RETENTION_DAYS_VIDEOCDR=...); 0 or
 * unset keeps forever. Applied as DynamoDB TTL (item-layout.ts EXPIRES_AT_ATTRIBUTE) on every
 * item that holds a record's personal data, counted from when the push was received.
 */
export const RETENTION_ENV = 'RETENTION_DAYS';
/** A hundred years: anything longer is a typo. */
export const MAX_RETENTION_DAYS = 36_500;

export interface RetentionPolicy {
  /** Days for a type without an override; 0 keeps forever. */
  readonly defaultDays: number;
  /** Per action, as the registry spells it. */
  readonly days: Readonly<Record<string, number>>;
}

export function daysSetting(name: string, text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > MAX_RETENTION_DAYS) {
    throw new Misconfigured(
      `${name}=${trimmed.slice(0, 20)} is not a whole number of days from 0 to ${MAX_RETENTION_DAYS}`,
    );
  }
  return Number(trimmed);
}

/**
 * The policy from the environment: RETENTION_DAYS, `<days>` or (as the template sets it, from
 * infra/settings.cjs) `<days>,<TYPE>=<days>,...`, and RETENTION_DAYS_<TYPE> overrides (an
 * operator's shell). `actions` are the registry's; a type name that matches none is refused, so
 * that RETENTION_DAYS_CDRS=30 does not silently keep records forever.
 */
export function retentionPolicyOf(env: NodeJS.ProcessEnv, actions: readonly string[]): RetentionPolicy {
  const byUpper = new Map(actions.map((action) => [action.toUpperCase(), action]));
  const perType: Record<string, number> = {};
  const override = (name: string, type: string, value: string) => {
    const action = byUpper.get(type);
    if (!action) throw new Misconfigured(`${name} names no push type (${[...byUpper.keys()].join(', ')})`);
    perType[action] = daysSetting(name, value);
  };
  const [base = '', ...typed] = (env[RETENTION_ENV] ?? '').split(',');
  for (const part of typed) {
    const [type = '', value = ''] = part.split('=');
    override(`${RETENTION_ENV}_${type.trim()}`, type.trim(), value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(`${RETENTION_ENV}_`) || value === undefined || value.trim() === '') continue;
    override(name, name.slice(RETENTION_ENV.length + 1), value);
  }
  return { defaultDays: base.trim() === '' ? 0 : daysSetting(RETENTION_ENV, base), days: perType };
}

export function retentionDaysOf(policy: RetentionPolicy, action: string): number {
  return policy.days[action] ?? policy.defaultDays;
}

/** When an item of `action` received at `receivedAt` (ISO 8601) expires, Unix seconds; undefined: kept forever. */
export function expiresAtOf(policy: RetentionPolicy, action: string, receivedAt: string): number | undefined {
  const keep = retentionDaysOf(policy, action);
  const at = Date.parse(receivedAt);
  if (keep === 0 || Number.isNaN(at)) return undefined;
  return Math.floor(at / 1000) + keep * DAY;
}

/** One line for a command's output: `cdr 400 days, record 90 days, voicemail forever, ...`. */
export function describePolicy(policy: RetentionPolicy, actions: readonly string[]): string {
  const text = (n: number) => (n === 0 ? 'forever' : `${n} days`);
  return actions.map((action) => `${action} ${text(retentionDaysOf(policy, action))}`).join(', ');
}
