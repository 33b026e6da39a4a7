import { documentationText } from '../support/readme';

// What serverless.yml resolves (custom.*) from the environment: infra/settings.cjs.
const settings = require('../../infra/settings.cjs') as Record<string, () => unknown> & {
  DEFAULTS: Record<string, number>;
};

const NAMES = [...Object.keys(settings.DEFAULTS), 'ALARM_EMAIL'];

/** Runs `read` with exactly the given operations settings in the environment. */
function withSettings<T>(values: Record<string, string>, read: () => T): T {
  const retention = Object.keys(process.env).filter((name) => name.startsWith('RETENTION_DAYS'));
  const saved = Object.fromEntries([...NAMES, ...retention].map((name) => [name, process.env[name]]));
  for (const name of Object.keys(saved)) delete process.env[name];
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

  it('gives RETENTION_DAYS and each RETENTION_DAYS_<TYPE> to the functions as one value, in the registry’s order', () => {
    expect(resolve('retentionDays')).toBe('0');
    expect(resolve('retentionDays', { RETENTION_DAYS: ' 30 ' })).toBe('30');
    expect(resolve('retentionDays', { RETENTION_DAYS: '30', RETENTION_DAYS_CDR: '400' })).toBe('30,CDR=400');
    expect(
      resolve('retentionDays', { RETENTION_DAYS_VIDEOCDR: '7', RETENTION_DAYS_RECORD: '90', RETENTION_DAYS_IMCDR: '' }),
    ).toBe('0,RECORD=90,VIDEOCDR=7');
    // Already in that form (a value copied from a deployed function): the shell's override wins.
    expect(resolve('retentionDays', { RETENTION_DAYS: '0,CDR=400,RECORD=90', RETENTION_DAYS_RECORD: '30' })).toBe(
      '0,CDR=400,RECORD=30',
    );
  });

  it('refuses a push type that does not exist, and days that are not whole or past 100 years', () => {
    expect(() => resolve('retentionDays', { RETENTION_DAYS_CDRS: '30' })).toThrow(
      /^RETENTION_DAYS_CDRS names no push type \(CDR, RECORD, VOICEMAIL, IMCDR, VIDEOCDR\)$/,
    );
    expect(() => resolve('retentionDays', { RETENTION_DAYS: '0,VIDEO=30' })).toThrow(/^RETENTION_DAYS_VIDEO names no/);
    for (const [name, value] of [
      ['RETENTION_DAYS', '36501'],
      ['RETENTION_DAYS', '1.5'],
      ['RETENTION_DAYS_CDR', '-1'],
      ['RETENTION_DAYS_RECORD', 'a year'],
    ]) {
      expect(() => resolve('retentionDays', { [name as string]: value as string })).toThrow(
        new RegExp(`^${name}=.* is not a whole number of days from 0 to 36500$`),
      );
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
    expect(row('RETENTION_DAYS')?.split('|')[2]?.trim()).toBe('0');
    expect(row('RETENTION_DAYS_<TYPE>')).toBeDefined();
  });
});
