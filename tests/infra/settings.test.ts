import { documentationText } from '../support/readme';

// What serverless.yml resolves (custom.*) from the environment: infra/settings.cjs.
const settings = require('../../infra/settings.cjs') as Record<string, () => unknown> & {
  DEFAULTS: Record<string, number>;
};

const NAMES = [...Object.keys(settings.DEFAULTS), 'ALARM_EMAIL'];

/** Runs `read` with exactly the given operations settings in the environment. */
function withSettings<T>(values: Record<string, string>, read: () => T): T {
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, values);
  try {
    return read();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
const resolve = (key: string, values: Record<string, string> = {}) =>
  withSettings(values, () => (settings[key] as () => unknown)());

describe('operations settings (infra/settings.cjs)', () => {
  it('takes the default when a variable is unset or empty, and the value given otherwise', () => {
    expect(resolve('heartbeatHours')).toBe(24);
    expect(resolve('heartbeatHours', { HEARTBEAT_HOURS: '' })).toBe(24);
    expect(resolve('heartbeatHours', { HEARTBEAT_HOURS: '168' })).toBe(168);
    expect(resolve('apiThrottleRate', { API_THROTTLE_RATE: '12.5' })).toBe(12.5);
    expect(resolve('pushReservedConcurrency', { PUSH_RESERVED_CONCURRENCY: '40' })).toBe(40);
    expect(resolve('pushReservedConcurrency', { PUSH_RESERVED_CONCURRENCY: 'none' })).toEqual({ Ref: 'AWS::NoValue' });
    expect(resolve('alarmEmail')).toBe('');
    expect(resolve('alarmEmail', { ALARM_EMAIL: ' oncall@example.com ' })).toBe('oncall@example.com');
  });

  it('refuses a value that would deploy a broken stage, naming the variable', () => {
    const refused: Array<[string, Record<string, string>]> = [
      // CloudWatch refuses an evaluation range over 7 days; 0 hours would never evaluate.
      ['heartbeatHours', { HEARTBEAT_HOURS: '0' }],
      ['heartbeatHours', { HEARTBEAT_HOURS: '169' }],
      ['heartbeatHours', { HEARTBEAT_HOURS: '1.5' }],
      ['heartbeatHours', { HEARTBEAT_HOURS: 'a day' }],
      ['apiThrottleRate', { API_THROTTLE_RATE: '0' }],
      ['apiThrottleRate', { API_THROTTLE_RATE: '-5' }],
      ['apiThrottleBurst', { API_THROTTLE_BURST: '1e3' }],
      ['tokenThrottleRate', { TOKEN_THROTTLE_RATE: 'fast' }],
      // Reserved concurrency 0 is a function that never runs.
      ['pushReservedConcurrency', { PUSH_RESERVED_CONCURRENCY: '0' }],
      ['readReservedConcurrency', { READ_RESERVED_CONCURRENCY: 'unlimited' }],
      ['alarmEmail', { ALARM_EMAIL: 'a@example.com,b@example.com' }],
      ['alarmEmail', { ALARM_EMAIL: 'oncall' }],
    ];
    for (const [key, values] of refused) {
      const [name] = Object.keys(values) as [string];
      expect(() => resolve(key, values)).toThrow(new RegExp(`^${name}=`));
    }
  });

  it('documents every setting with its default in README.md or docs/ (docs/operations.md)', () => {
    const readme = documentationText();
    const row = (name: string) => readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    for (const [name, value] of Object.entries(settings.DEFAULTS)) {
      expect(
        row(name)
          ?.split('|')
          .map((cell) => cell.trim())[2],
      ).toBe(String(value));
    }
    expect(row('ALARM_EMAIL')).toBeDefined();
  });
});
