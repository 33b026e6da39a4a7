// `npm run reports -- --stage <stage> --region <region> [--port 3100]`: the reports page of
// a deployed stage, on the operator's machine. The stage's JSON routes want IAM
// authorization, which a browser cannot give; this server can: it serves the page on
// 127.0.0.1 and forwards the page's GET calls to the stage's API, signed with SigV4 with
// the operator's AWS credentials (the SDK's usual chain: AWS_PROFILE, environment, SSO...).
// Only the read and report routes are forwarded, only GET, only to a browser on this machine,
// only for the page it serves itself: a request another site makes the browser send (a foreign
// Origin, Sec-Fetch-Site cross-site or same-site) or a foreign Host (DNS rebinding) is refused.
// The port: --port, else REPORTS_PORT, else 3100. A stage that stops answering for
// REPORTS_UPSTREAM_TIMEOUT_SECONDS (default 30) ends the request.
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { REPORTS_PAGE_HEADERS, REPORTS_PAGE_HTML } from '../handler/reports/page/generated/page';
import { foreignRequest } from './local-guard/local-requests.cjs';

const SERVICE = 'tccc-cdr-receiver';
const FORWARDED = [/^\/reports\/summary$/, /^\/sessions$/, /^\/sessions\/[^/]+(\/versions)?$/];

const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    port: { type: 'string', default: process.env.REPORTS_PORT || '3100' },
  },
});
const upstreamTimeoutSeconds = Number(process.env.REPORTS_UPSTREAM_TIMEOUT_SECONDS || 30);
if (!values.stage || !values.region || !/^\d{1,5}$/.test(values.port ?? '') || !(upstreamTimeoutSeconds > 0)) {
  console.error(
    'usage: [REPORTS_PORT=3100] [REPORTS_UPSTREAM_TIMEOUT_SECONDS=30] npm run reports -- --stage <stage> --region <region> [--port 3100]',
  );
  process.exit(2);
}
const stage = values.stage;
const region = values.region;
const port = Number(values.port);
const upstreamTimeoutMs = 1000 * upstreamTimeoutSeconds;

/** The stage's API URL, from its CloudFormation stack (the output serverless deploy prints). */
async function apiUrlOf(): Promise<URL> {
  const cloudFormation = new CloudFormationClient({ region });
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: `${SERVICE}-${stage}` }));
  const url = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'HttpApiUrl')?.OutputValue;
  if (!url) throw new Error(`stack ${SERVICE}-${stage} in ${region} has no HttpApiUrl output`);
  return new URL(url);
}

function send(reply: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  // Too late for a status once the stage's own has gone out: the page must see a failed
  // request, never a 200 whose JSON stops short.
  if (reply.headersSent) return void reply.destroy();
  reply.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  reply.end(body);
}
const envelope = (errCode: number, errMsg: string) => JSON.stringify({ ErrCode: errCode, ErrMsg: errMsg });

async function main() {
  const api = await apiUrlOf();
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: fromNodeProviderChain(),
    sha256: Hash.bind(null, 'sha256'),
  });

  async function forward(path: string, query: URLSearchParams, reply: http.ServerResponse) {
    const basePath = api.pathname.replace(/\/$/, '');
    const signed = await signer.sign({
      method: 'GET',
      protocol: api.protocol,
      hostname: api.hostname,
      port: api.port ? Number(api.port) : undefined,
      path: `${basePath}${path}`,
      query: Object.fromEntries(query),
      headers: { host: api.host, accept: 'application/json' },
    });
    const search = query.toString();
    const transport = api.protocol === 'https:' ? https : http;
    const upstream = transport.request(
      {
        method: 'GET',
        hostname: api.hostname,
        port: api.port || undefined,
        path: `${basePath}${path}${search ? `?${search}` : ''}`,
        headers: signed.headers,
        timeout: upstreamTimeoutMs,
      },
      (answer) => {
        reply.writeHead(answer.statusCode ?? 502, {
          'content-type': answer.headers['content-type'] ?? 'application/json',
          'cache-control': 'no-store',
        });
        // A reset or a stall mid-body (or the page going away) ends both sides at once.
        pipeline(answer, reply, (error) => {
          if (error) {
            upstream.destroy();
            reply.destroy();
          }
        });
      },
    );
    upstream.on('error', (error) => send(reply, 502, envelope(2001, `the stage did not answer: ${error.message}`)));
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.end();
  }

  const server = http.createServer((request, reply) => {
    // A page elsewhere that rebinds its DNS name to 127.0.0.1 arrives with its own Host; one
    // that sends the browser here arrives with its Origin or Sec-Fetch-Site.
    const foreign = foreignRequest(request.headers, port);
    if (foreign) return send(reply, 403, envelope(1008, foreign));
    if (request.method !== 'GET') return send(reply, 405, envelope(1004, 'reads are GET'));
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/' || url.pathname === '/reports') {
      if (url.pathname === '/') return send(reply, 302, '', { location: '/reports' });
      reply.writeHead(200, REPORTS_PAGE_HEADERS);
      return reply.end(REPORTS_PAGE_HTML);
    }
    if (!FORWARDED.some((route) => route.test(url.pathname))) return send(reply, 404, envelope(1007, 'no such route'));
    forward(url.pathname, url.searchParams, reply).catch((error: Error) =>
      send(reply, 502, envelope(2002, `could not sign the request: ${error.message}`)),
    );
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`reports of stage ${stage} (${api.origin}) on http://localhost:${port}/reports  (Ctrl-C stops)`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
  }
}

main().catch((error: Error) => {
  console.error(`npm run reports: ${error.message}`);
  process.exit(1);
});
