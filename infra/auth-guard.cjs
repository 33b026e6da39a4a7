// Resolved by serverless.yml (custom.authMode, provider.environment): refuses to package or
// deploy a stage without authentication unless TCCC_ALLOW_UNAUTHENTICATED=true says so, and
// a token lifetime out of bounds. Only the local commands (`offline`, `invoke local`) may run
// without authentication: they build nothing that can be deployed.
const MODES = ['none', 'basic', 'oauth2'];
const LOCAL_COMMANDS = new Set(['offline', 'offline start', 'invoke local']);
// handler/auth/auth-config.ts TOKEN_TTL_SECONDS (tests/infra/auth-guard.test.ts keeps them equal).
const TOKEN_TTL_SECONDS = { default: 900, min: 60, max: 86_400 };

/**
 * The serverless command, as osls reads it (lib/cli/resolve-input.js): the words after the
 * binary up to the first option. `package --stage offline` is `package`, whatever the stage
 * is called; `--stage dev offline` is no command osls runs, and counts as not local.
 */
function commandOf(argv) {
  const words = [];
  for (const arg of argv.slice(2)) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words.join(' ');
}

const isLocalCommand = (argv = process.argv) => LOCAL_COMMANDS.has(commandOf(argv));

module.exports.mode = () => {
  const mode = process.env.TCCC_AUTH ?? 'none';
  if (!MODES.includes(mode)) throw new Error(`TCCC_AUTH=${mode} is not one of ${MODES.join(', ')}`);
  if (mode === 'none' && !isLocalCommand() && process.env.TCCC_ALLOW_UNAUTHENTICATED !== 'true') {
    throw new Error(
      'TCCC_AUTH is none: anyone could write records into this stage. Set TCCC_AUTH=basic or oauth2 ' +
        '(secrets in SSM, see docs/auth.md), or TCCC_ALLOW_UNAUTHENTICATED=true to deploy without authentication.',
    );
  }
  return mode;
};

module.exports.tokenTtlSeconds = () => {
  const text = process.env.TCCC_OAUTH_TOKEN_TTL_SECONDS?.trim() || String(TOKEN_TTL_SECONDS.default);
  const ttl = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(ttl >= TOKEN_TTL_SECONDS.min && ttl <= TOKEN_TTL_SECONDS.max)) {
    throw new Error(
      `TCCC_OAUTH_TOKEN_TTL_SECONDS=${text.slice(0, 20)} is not an integer from ${TOKEN_TTL_SECONDS.min} to ${TOKEN_TTL_SECONDS.max}`,
    );
  }
  return text;
};

module.exports.commandOf = commandOf;
module.exports.isLocalCommand = isLocalCommand;
module.exports.TOKEN_TTL_SECONDS = TOKEN_TTL_SECONDS;
