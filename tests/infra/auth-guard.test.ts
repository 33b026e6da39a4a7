import { execFile } from 'node:child_process';
import path from 'node:path';
import { TOKEN_TTL_SECONDS } from '../../handler/auth/auth-config';

const root = path.join(__dirname, '..', '..');
const guard = require('../../infra/auth-guard.cjs') as {
  commandOf: (argv: string[]) => string;
  isLocalCommand: (argv: string[]) => boolean;
  TOKEN_TTL_SECONDS: typeof TOKEN_TTL_SECONDS;
};

/** The real CLI, as a user runs it: `npx serverless <args>`. */
function serverless(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  for (const name of Object.keys(base)) if (name.startsWith('TCCC_')) delete base[name];
  // Where alarms go, which every stage names (infra/deploy-checks/alarm-destination.cjs): not what is tried here.
  base.ALARM_EMAIL = 'oncall@example.com';
  return new Promise((resolve) => {
    execFile('npx', ['serverless', ...args], { cwd: root, env: { ...base, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const NONE_REFUSED = 'TCCC_AUTH is none: anyone could write records into this stage';

describe('infra/auth-guard.cjs: a deployable build needs authentication, whatever the stage is called', () => {
  it.each([
    ['package', '--stage', 'offline'],
    ['package', '--stage', 'invoke'],
    ['print', '--stage', 'offline'],
  ])(
    'refuses `serverless %s %s %s` with TCCC_AUTH unset',
    async (...args) => {
      const { code, output } = await serverless(args, {});

      expect(code).not.toBe(0);
      expect(output).toContain(NONE_REFUSED);
    },
    60_000,
  );

  it('lets `serverless print --stage offline` through with TCCC_AUTH=basic, and with an explicit opt-out', async () => {
    const basic = await serverless(['print', '--stage', 'offline'], { TCCC_AUTH: 'basic' });
    const optedOut = await serverless(['print', '--stage', 'offline'], { TCCC_ALLOW_UNAUTHENTICATED: 'true' });

    expect(basic.code).toBe(0);
    expect(basic.output).toMatch(/TCCC_AUTH: basic\n/);
    expect(basic.output).toContain("TCCC_OAUTH_TOKEN_TTL_SECONDS: '900'");
    expect(optedOut.code).toBe(0);
    expect(optedOut.output).toMatch(/TCCC_AUTH: none\n/);
  }, 60_000);

  it.each(['59', '86401', '1e20', '900s'])(
    'refuses to build with TCCC_OAUTH_TOKEN_TTL_SECONDS=%s',
    async (ttl) => {
      const { code, output } = await serverless(['print', '--stage', 'ci'], {
        TCCC_AUTH: 'oauth2',
        TCCC_OAUTH_TOKEN_TTL_SECONDS: ttl,
      });

      expect(code).not.toBe(0);
      expect(output).toContain(`TCCC_OAUTH_TOKEN_TTL_SECONDS=${ttl} is not an integer from 60 to 86400`);
    },
    60_000,
  );

  it('reads the command from the words before the first option, as osls does', () => {
    const argv = (...words: string[]) => ['node', '/x/node_modules/serverless/bin/serverless.js', ...words];

    expect(guard.isLocalCommand(argv('offline', 'start', '--stage', 'dev'))).toBe(true);
    expect(guard.isLocalCommand(argv('offline'))).toBe(true);
    expect(guard.isLocalCommand(argv('invoke', 'local', '--function', 'push'))).toBe(true);
    expect(guard.isLocalCommand(argv('package', '--stage', 'offline'))).toBe(false);
    expect(guard.isLocalCommand(argv('deploy', '--stage', 'invoke', '--region', 'offline'))).toBe(false);
    expect(guard.isLocalCommand(argv('invoke', '--function', 'push'))).toBe(false);
    expect(guard.isLocalCommand(argv('--stage', 'dev', 'offline'))).toBe(false);
    expect(guard.commandOf(argv('deploy', 'function', '-f', 'push'))).toBe('deploy function');
  });

  it('bounds the token lifetime as the handler does', () => {
    expect(guard.TOKEN_TTL_SECONDS).toEqual(TOKEN_TTL_SECONDS);
  });
});
