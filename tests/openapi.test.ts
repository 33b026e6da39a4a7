import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { load as loadYaml } from 'js-yaml';
import { createDynamoDbClient } from '../handler/aws/dynamodb-client';
import { ERR_CODES } from '../handler/common/errors';
import { createPushHandler } from '../handler/functions/push';
import { createReadHandler } from '../handler/functions/read';
import { createReportHandler } from '../handler/functions/reports';
import { createTokenHandler } from '../handler/functions/token';
import { DynamoDbReportStore } from '../handler/reports/dynamodb-report-store';
import { countingStore, quarantineStore } from './support/dynamodb';
import { httpApiEvent, pushEvent, sampleOf, sampleRecord } from './support/events';

/**
 * schemas/openapi.yaml says what every route answers; the real handlers, on DynamoDB Local,
 * must answer just that: every reply's status is documented for its operation, its content
 * type is the documented one, and its body validates against the documented schema.
 */
const root = path.join(__dirname, '..');
type Doc = Record<string, any>;
const spec = loadYaml(readFileSync(path.join(root, 'schemas', 'openapi.yaml'), 'utf8')) as Doc;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addFormat('date-time', {
  validate: (value: string) => /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value)),
});
ajv.addSchema(spec, 'openapi.yaml');

const pointer = (...segments: string[]) => segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const resolve = (node: Doc): Doc =>
  node.$ref
    ? resolve(
        node.$ref
          .slice(2)
          .split('/')
          .reduce((at: Doc, key: string) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec),
      )
    : node;

const checked: string[] = [];

function expectAsDocumented(method: string, template: string, reply: APIGatewayProxyResult) {
  const operation = spec.paths[template]?.[method];
  expect({ route: `${method} ${template}`, documented: operation !== undefined }).toEqual({
    route: `${method} ${template}`,
    documented: true,
  });
  const status = String(reply.statusCode);
  const response = operation.responses[status] && resolve(operation.responses[status]);
  expect({ route: `${method} ${template}`, status, documented: Boolean(response) }).toMatchObject({ documented: true });
  const contentType = String(reply.headers?.['content-type'] ?? '').split(';')[0] ?? '';
  expect(Object.keys(response.content)).toContain(contentType);
  const responsePointer = operation.responses[status].$ref
    ? operation.responses[status].$ref
    : `#/${pointer('paths', template, method, 'responses', status)}`;
  const validate = ajv.getSchema(`openapi.yaml${responsePointer}/${pointer('content', contentType, 'schema')}`);
  expect(validate).toBeDefined();
  const body = contentType === 'application/json' ? JSON.parse(reply.body) : reply.body;
  const valid = validate?.(body);
  expect({ route: `${method} ${template}`, status, errors: valid ? null : validate?.errors }).toEqual({
    route: `${method} ${template}`,
    status,
    errors: null,
  });
  checked.push(`${method} ${template} ${status}`);
}

const { store } = countingStore();
const quarantine = quarantineStore();
const basic = async () => ({ mode: 'basic', username: 'tccc', password: 'pw' }) as const;
const push = createPushHandler({ store, quarantine });
const guardedPush = createPushHandler({ store, quarantine, loadAuth: basic });
const read = createReadHandler({ store });
const guardedRead = createReadHandler({ store, loadAuth: basic, deployed: false });
const reports = createReportHandler({
  reports: new DynamoDbReportStore(createDynamoDbClient(), process.env.REPORT_TABLE_NAME as string),
});
const token = createTokenHandler({
  loadAuth: async () =>
    ({
      mode: 'oauth2',
      clientId: 'tccc-client',
      clientSecret: 'tccc-secret',
      signingKey: new Uint8Array(32).fill(7),
      tokenTtlSeconds: 900,
    }) as never,
});

const get = (
  template: string,
  pathParameters: Record<string, string> = {},
  query: Record<string, string> | null = null,
) =>
  httpApiEvent({
    method: 'GET',
    path: template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(pathParameters[name] ?? '')),
    route: template,
    query,
    headers: {},
    pathParameters,
  });

describe('schemas/openapi.yaml: the handlers answer as it says', () => {
  const video = sampleRecord();

  it('POST / (push): 200, 400 (1001, 1002, 1003), 401, 405, 413, 415', async () => {
    expectAsDocumented('post', '/', await push(pushEvent(video)));
    expectAsDocumented('post', '/', await push(pushEvent(video)));
    expectAsDocumented('post', '/', await push(pushEvent(sampleOf('cdr'), { query: { action: 'cdr', version: '1' } })));
    expectAsDocumented('post', '/', await push(httpApiEvent({ body: '{"SessionId":' })));
    expectAsDocumented('post', '/', await push(pushEvent({ SessionId: 'x' })));
    expectAsDocumented('post', '/', await push(pushEvent(video, { query: { action: 'fax', version: '1' } })));
    expectAsDocumented('post', '/', await guardedPush(pushEvent(video)));
    expectAsDocumented('post', '/', await push(httpApiEvent({ method: 'GET', query: null })));
    expectAsDocumented('post', '/', await push(httpApiEvent({ body: `"${'x'.repeat(200 * 1024)}"` })));
    expectAsDocumented('post', '/', await push(pushEvent(video, { headers: { 'content-type': 'text/plain' } })));
  });

  it('POST /oauth/token: 200, 400, 401', async () => {
    const form = (body: string, headers: Record<string, string> = {}) =>
      httpApiEvent({
        path: '/oauth/token',
        query: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expectAsDocumented(
      'post',
      '/oauth/token',
      await token(form('grant_type=client_credentials&client_id=tccc-client&client_secret=tccc-secret')),
    );
    expectAsDocumented('post', '/oauth/token', await token(form('client_id=tccc-client&client_secret=tccc-secret')));
    expectAsDocumented(
      'post',
      '/oauth/token',
      await token(form('grant_type=client_credentials&client_id=tccc-client&client_secret=no')),
    );
  });

  it('GET /sessions/{SessionId}[/versions] and /cdrs/{SessionId}[/versions]: 200, 400, 401, 404, 405', async () => {
    for (const template of [
      '/sessions/{SessionId}',
      '/sessions/{SessionId}/versions',
      '/cdrs/{SessionId}',
      '/cdrs/{SessionId}/versions',
    ]) {
      expectAsDocumented('get', template, await read(get(template, { SessionId: video.SessionId })));
      expectAsDocumented('get', template, await read(get(template, { SessionId: 'nothing-stored-here' })));
      expectAsDocumented('get', template, await read(get(template, { SessionId: 'x'.repeat(300) })));
      expectAsDocumented('get', template, await guardedRead(get(template, { SessionId: video.SessionId })));
      expectAsDocumented(
        'get',
        template,
        await read({ ...get(template, { SessionId: video.SessionId }), routeKey: `POST ${template}` }),
      );
    }
  });

  it('GET /sessions: 200, 400, 401', async () => {
    const range = { from: '2020-12-16T00:00:00Z', to: '2020-12-17T00:00:00+08:00' };
    expectAsDocumented('get', '/sessions', await read(get('/sessions', {}, { ...range, limit: '2' })));
    expectAsDocumented('get', '/sessions', await read(get('/sessions', {}, { ...range, limit: '0' })));
    expectAsDocumented('get', '/sessions', await guardedRead(get('/sessions', {}, range)));
  });

  it('GET /reports/summary: 200, 400', async () => {
    for (const groupBy of ['hour', 'day', 'seat', 'skillGroup', 'status']) {
      expectAsDocumented(
        'get',
        '/reports/summary',
        await reports(get('/reports/summary', {}, { from: '1608076800', to: '1608163200', groupBy })),
      );
    }
    expectAsDocumented(
      'get',
      '/reports/summary',
      await reports(get('/reports/summary', {}, { from: '1608076800', to: '1608163200' })),
    );
  });

  it('GET /reports (the page): 200 locally without credentials, 401 deployed without IAM authorization', async () => {
    expectAsDocumented('get', '/reports', await reports(get('/reports')));
    const deployed = createReportHandler({
      reports: new DynamoDbReportStore(createDynamoDbClient(), process.env.REPORT_TABLE_NAME as string),
      deployed: true,
    });
    expectAsDocumented('get', '/reports', await deployed(get('/reports')));
  });

  it('documents every ErrCode the receiver has, in the envelope', () => {
    const codes = Object.values(ERR_CODES)
      .map((code) => code.errCode)
      .sort((a, b) => a - b);
    expect(spec.components.schemas.Envelope.properties.ErrCode.enum).toEqual(codes);
  });

  it('documents exactly the routes serverless.yml deploys', () => {
    const config = loadYaml(
      readFileSync(path.join(root, 'serverless.yml'), 'utf8').replace(/\$\{[^}]+\}/g, 'x'),
    ) as Doc;
    // The token function is deployed with TCCC_AUTH=oauth2 only (infra/oauth2-only.cjs): as an oauth2 stage has it.
    const oauth2 = loadYaml(
      readFileSync(path.join(root, 'infra', 'oauth2.yml'), 'utf8').replace(/\$\{[^}]+\}/g, 'x'),
    ) as Doc;
    const functions = { ...(config.functions as Doc), token: oauth2.tokenFunction };
    const deployed = Object.values(functions)
      .flatMap((fn: Doc) => (fn.events ?? []).filter((event: Doc) => event.httpApi).map((event: Doc) => event.httpApi))
      .map(({ method, path: route }: Doc) => `${method === '*' ? 'post' : String(method).toLowerCase()} ${route}`)
      .sort();
    const documented = Object.entries(spec.paths as Doc)
      .flatMap(([route, operations]) => Object.keys(operations as Doc).map((method) => `${method} ${route}`))
      .sort();
    expect(documented).toEqual(deployed);
  });
});

afterAll(() => {
  // Every documented status that could be produced was produced at least once above.
  expect(checked.length).toBeGreaterThan(40);
});
