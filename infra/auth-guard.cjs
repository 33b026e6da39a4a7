// Resolved by serverless.yml (custom.authMode): refuses to package or deploy a stage without
// authentication unless TCCC_ALLOW_UNAUTHENTICATED=true says so. Local commands
// (`offline`, `invoke local`) may run without it.
const MODES = ['none', 'basic', 'oauth2'];
const LOCAL_COMMANDS = ['offline', 'invoke'];

module.exports.mode = () => {
  const mode = process.env.TCCC_AUTH ?? 'none';
  if (!MODES.includes(mode)) throw new Error(`TCCC_AUTH=${mode} is not one of ${MODES.join(', ')}`);
  const local = process.argv.some((arg) => LOCAL_COMMANDS.includes(arg));
  if (mode === 'none' && !local && process.env.TCCC_ALLOW_UNAUTHENTICATED !== 'true') {
    throw new Error(
      'TCCC_AUTH is none: anyone could write records into this stage. Set TCCC_AUTH=basic or oauth2 ' +
        '(secrets in SSM, see README), or TCCC_ALLOW_UNAUTHENTICATED=true to deploy without authentication.',
    );
  }
  return mode;
};
