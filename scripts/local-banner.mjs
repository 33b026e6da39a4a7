// What `npm start` prints once it is ready: where everything listens, and commands to paste
// (tests/local/npm-start.test.ts runs them as printed). Secrets appear as shell variables only.

const PUSH_QUERY = '?action=videoCdr&version=1';
const JSON_TYPE = "-H 'Content-Type: application/json;charset=utf8'";
const ACCESS_TOKEN = `node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token'`;

/** The curl options that authenticate a request in each mode, and what must be done first. */
function credentials(mode, base) {
  if (mode === 'basic') {
    return {
      first: ['  With TCCC_BASIC_USERNAME and TCCC_BASIC_PASSWORD exported in your shell:'],
      option: ' -u "$TCCC_BASIC_USERNAME:$TCCC_BASIC_PASSWORD"',
    };
  }
  if (mode === 'oauth2') {
    return {
      first: [
        '  With TCCC_OAUTH_CLIENT_ID and TCCC_OAUTH_CLIENT_SECRET exported in your shell, get an access token:',
        `    TOKEN=$(curl -sS -u "$TCCC_OAUTH_CLIENT_ID:$TCCC_OAUTH_CLIENT_SECRET" -d grant_type=client_credentials ${base}/oauth/token | ${ACCESS_TOKEN})`,
        '',
      ],
      option: ' -H "Authorization: Bearer $TOKEN"',
    };
  }
  return { first: [], option: '' };
}

/** Where the records are, and who else can reach them (docs/local-security.md). */
function database(db, ports) {
  if (db.existing) {
    return [
      `  DynamoDB: ${db.endpoint} (DYNAMODB_ENDPOINT): yours, not started or stopped by npm start; the tables missing there were created`,
    ];
  }
  if (db.loopbackOnly)
    return [`  DynamoDB Local (started by npm start) listens on 127.0.0.1:${ports.DYNAMODB_PORT} only`];
  return [
    `  WARNING: DynamoDB Local listens on every network interface, port ${ports.DYNAMODB_PORT}: anyone who can reach`,
    '  this machine can read and write the tables, whatever TCCC_AUTH says. Install a JDK (npm start then binds',
    `  it to 127.0.0.1), or block port ${ports.DYNAMODB_PORT} in your firewall.`,
  ];
}

/** TCCC_AUTH=none asks no one for credentials: said plainly, every run. */
function openReads(mode, ports) {
  if (mode !== 'none') return [];
  return [
    `  TCCC_AUTH=none: no credentials asked. Anything that can reach port ${ports.PORT} of this machine (any local`,
    '  program or user) can push, and read every record, personal data included. Web pages of other sites and',
    '  other Host names are refused. Set TCCC_AUTH=basic or oauth2 to ask for credentials.',
  ];
}

export function banner({ mode, ports, db, dataDir, sample, sessionId, notes }) {
  const base = `http://localhost:${ports.PORT}`;
  const { first, option } = credentials(mode, base);
  const stored = db.existing ? '' : `, data in ${dataDir}/`;
  const dynamodbPort = db.existing ? '' : `  DYNAMODB_PORT=${ports.DYNAMODB_PORT} (DynamoDB Local)`;
  const invokeWith = db.existing ? `DYNAMODB_ENDPOINT=${db.endpoint}` : `DYNAMODB_PORT=${ports.DYNAMODB_PORT}`;
  return [
    '',
    `tccc-cdr-receiver is listening on ${base}  (TCCC_AUTH=${mode}${stored})`,
    `  ports: PORT=${ports.PORT}${dynamodbPort}  LAMBDA_PORT=${ports.LAMBDA_PORT} (serverless-offline's Lambda endpoint)`,
    ...database(db, ports),
    ...openReads(mode, ports),
    ...notes.map((note) => `  ${note}`),
    '',
    ...first,
    '  Push the sample CDR:',
    `    curl -sS${option} -X POST '${base}/${PUSH_QUERY}' ${JSON_TYPE} --data-binary @${sample}`,
    '',
    '  Read it back:',
    `    curl -sS${option} ${base}/cdrs/${sessionId}`,
    '',
    '  Find sessions, see the numbers (the stream consumer keeps the reports up to date), or open the reports page:',
    `    curl -sS${option} '${base}/sessions?from=2020-12-16T00:00:00Z&to=2020-12-17T00:00:00Z'`,
    `    curl -sS${option} '${base}/reports/summary?from=2020-12-16T00:00:00Z&to=2020-12-17T00:00:00Z&groupBy=hour&tz=Asia/Shanghai'`,
    `    ${base}/reports`,
    '',
    `  Run a function once (\`serverless invoke local\`) against this ${db.existing ? 'DynamoDB' : 'DynamoDB Local'}:`,
    `    ${invokeWith} npm run invoke -- push events/http-api-v2.json`,
    '',
    db.existing ? 'Ctrl-C stops the receiver.' : 'Ctrl-C stops the receiver and DynamoDB Local.',
    '',
  ].join('\n');
}
