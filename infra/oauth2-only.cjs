// Resolved by serverless.yml: what exists only when TCCC_AUTH=oauth2 -- the token URL's function,
// its role, log group and route throttle, defined in infra/oauth2.yml -- and nothing otherwise, so
// that a basic or none stage has no token function, route or role at all.
const onlyForOAuth2 =
  (address) =>
  async ({ resolveVariable }) =>
    (await resolveVariable('self:custom.authMode')) === 'oauth2'
      ? resolveVariable(`file(infra/oauth2.yml):${address}`)
      : null;

module.exports = { tokenFunction: onlyForOAuth2('tokenFunction'), resources: onlyForOAuth2('resources') };
