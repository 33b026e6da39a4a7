import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * SSM Parameter Store as far as the README's `aws ssm` commands and the receiver use it
 * (PutParameter, GetParameter, GetParameters, DeleteParameter; JSON protocol), holding the
 * parameters in memory and recording each call: no SSM emulator runs locally. The AWS CLI and
 * the SDK reach it through their own AWS_ENDPOINT_URL_SSM setting. `refuse` lists operations
 * answered AccessDenied, as a role without that permission gets.
 */
export function ssmStandIn(initial: Record<string, string> = {}, { refuse = [] as string[] } = {}) {
  const parameters = new Map<string, { value: string; type: string; version: number }>(
    Object.entries(initial).map(([name, value]) => [name, { value, type: 'SecureString', version: 1 }]),
  );
  const calls: Array<{ operation: string; names: string[]; decrypt: boolean }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target']).split('.')[1] as string;
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      calls.push({ operation, names: input.Names ?? [input.Name], decrypt: input.WithDecryption === true });
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (refuse.includes(operation)) {
        return reply(400, { __type: 'AccessDeniedException', message: `not allowed: ssm:${operation}` });
      }
      const notFound = () => reply(400, { __type: 'ParameterNotFound', message: `${input.Name} not found` });
      const shown = (name: string) => {
        const { value, type, version } = parameters.get(name) as { value: string; type: string; version: number };
        return { Name: name, Type: type, Value: value, Version: version };
      };
      const existing = parameters.get(input.Name);
      switch (operation) {
        case 'PutParameter':
          if (existing && input.Overwrite !== true) {
            return reply(400, { __type: 'ParameterAlreadyExists', message: `${input.Name} already exists` });
          }
          parameters.set(input.Name, { value: input.Value, type: input.Type, version: (existing?.version ?? 0) + 1 });
          return reply(200, { Version: (existing?.version ?? 0) + 1, Tier: 'Standard' });
        case 'GetParameter':
          return existing ? reply(200, { Parameter: shown(input.Name) }) : notFound();
        case 'GetParameters':
          return reply(200, {
            Parameters: (input.Names as string[]).filter((name) => parameters.has(name)).map(shown),
            InvalidParameters: (input.Names as string[]).filter((name) => !parameters.has(name)),
          });
        case 'DeleteParameter':
          if (!existing) return notFound();
          parameters.delete(input.Name);
          return reply(200, {});
        default:
          return reply(400, { __type: 'InvalidAction', message: `${operation} is not stood in for` });
      }
    });
  });
  return {
    parameters,
    calls,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The operator's shell for the documented `aws ssm` lines: dummy credentials, a region, no
 * profile and no config files of the machine's (in `work`), and the AWS CLI pointed at the
 * stand-in at `endpoint` by the SDKs' own variable.
 */
export function ssmOperatorEnv(endpoint: string, work: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_PROFILE: _profile, AWS_REGION: _region, ...rest } = env;
  return {
    ...rest,
    AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_DEFAULT_REGION: 'ap-southeast-1',
    AWS_CONFIG_FILE: path.join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-credentials'),
  };
}
