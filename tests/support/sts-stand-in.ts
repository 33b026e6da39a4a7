import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * AWS STS as far as the operator's commands use it: GetCallerIdentity (query protocol, XML
 * reply) answering `arn`, and recording each call; no STS emulator runs locally. The SDK
 * reaches it through its own AWS_ENDPOINT_URL_STS setting.
 */
export function stsStandIn(arn: string) {
  const calls: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString()).get('Action') ?? '';
      calls.push(action);
      const account = arn.split(':')[4] ?? '';
      const [status, body] =
        action === 'GetCallerIdentity'
          ? [
              200,
              `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
            ]
          : [
              400,
              `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action} is not stood in for</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>`,
            ];
      response.writeHead(status, { 'content-type': 'text/xml' });
      response.end(body);
    });
  });
  return {
    calls,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
