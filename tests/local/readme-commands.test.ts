import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dataDir,
  freePort,
  freePorts,
  type Running,
  root,
  startReceiver,
  stopReceiver,
  userEnv,
} from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * The README's `npm start` lines and the curl lines shown with them, run in bash as written.
 * Two things differ from a reader's terminal, and only those: the ports (3000, 3100, 8100, 3102
 * may be taken on a test machine: the test puts free ones in their place, in the command line
 * where the README writes them there, else in PORT/DYNAMODB_PORT/LAMBDA_PORT) and the `…` the
 * README writes for a secret (the test's own).
 */
const SECRET = randomBytes(12).toString('base64url');
const sample = JSON.parse(readFileSync(path.join(root, 'events/video-cdr.sample.json'), 'utf8'));
const PUSH_SAMPLE =
  "curl -sS -X POST 'http://localhost:3000/?action=videoCdr&version=1' -H 'Content-Type: application/json;charset=utf8' --data-binary @events/video-cdr.sample.json";

interface Started {
  running: Running;
  port: number;
  /** The README's curl line aimed at this receiver, its `…` the test's secret. */
  command: (line: string) => string;
}
const started: Running[] = [];
const data = dataDir();
afterAll(async () => {
  for (const running of started) expect(await stopReceiver(running)).toBe(true);
  data.remove();
});

/** A README line that starts `npm start`, with free ports in the environment unless it sets them. */
async function start(line: string, dir: string): Promise<Started> {
  const [PORT, DYNAMODB_PORT, LAMBDA_PORT] = await freePorts(3);
  const ports = { PORT, DYNAMODB_PORT, LAMBDA_PORT };
  const running = await startReceiver(
    userEnv({
      PORT: String(ports.PORT),
      DYNAMODB_PORT: String(ports.DYNAMODB_PORT),
      LAMBDA_PORT: String(ports.LAMBDA_PORT),
      DYNAMODB_DATA_DIR: dir,
    }),
    line.replaceAll("'…'", `'${SECRET}'`),
  );
  started.push(running);
  const port = Number(/tccc-cdr-receiver is listening on http:\/\/localhost:(\d+)/.exec(running.output())?.[1]);
  return {
    running,
    port,
    command: (curl) =>
      curl.replaceAll('http://localhost:3000', `http://localhost:${port}`).replaceAll("'…'", `'${SECRET}'`),
  };
}

const shell = (command: string) => runDocumented(command, userEnv({}));

describe('the README’s npm start and curl lines, run as written', () => {
  it('PORT=3100 DYNAMODB_PORT=8100 LAMBDA_PORT=3102 DYNAMODB_DATA_DIR=… npm start, then the quick start’s push and read, and npx serverless invoke local spelled out', async () => {
    const [http, dynamodb, lambda] = await freePorts(3);
    const dir = path.join(data.dir, 'receiver-data');
    const line = documented(
      'PORT=3100 DYNAMODB_PORT=8100 LAMBDA_PORT=3102 DYNAMODB_DATA_DIR=/tmp/receiver-data npm start',
    )
      .replace('PORT=3100', `PORT=${http}`)
      .replace('DYNAMODB_PORT=8100', `DYNAMODB_PORT=${dynamodb}`)
      .replace('LAMBDA_PORT=3102', `LAMBDA_PORT=${lambda}`)
      .replace('/tmp/receiver-data', dir);
    const receiver = await start(line, path.join(data.dir, 'unused'));
    expect(receiver.port).toBe(http);
    expect(receiver.running.output()).toContain(
      `ports: PORT=${http}  DYNAMODB_PORT=${dynamodb} (DynamoDB Local)  LAMBDA_PORT=${lambda}`,
    );

    const pushed = await shell(receiver.command(documented(PUSH_SAMPLE)));
    expect(pushed.stdout.trim()).toBe('{"ErrCode":0,"ErrMsg":"ok: stored"}');
    const read = await shell(
      receiver.command(documented('curl -sS http://localhost:3000/sessions/e97be0ab-1ef6-4ad2-a8c4-2b2bbfb18e55')),
    );
    const session = JSON.parse(read.stdout);
    expect(session.SessionId).toBe(sample.SessionId);
    expect(session.items).toEqual([{ action: 'videoCdr', record: sample, receipt: expect.any(Object) }]);
    // The records are where DYNAMODB_DATA_DIR said.
    expect(readdirSync(dir).length).toBeGreaterThan(0);

    // `npm run invoke` spelled out, "run that yourself if you prefer": the environment it names.
    const event = 'events/http-api-v2.cdr.json';
    const invoked = await runDocumented(
      documented('npx serverless invoke local --stage dev --function <fn> --path <event>')
        .replace('<fn>', 'push')
        .replace('<event>', event),
      userEnv({
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamodb}`,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        SLS_TELEMETRY_DISABLED: '1',
      }),
    );
    expect(invoked.code).toBe(0);
    expect(invoked.stdout).toContain('"statusCode": 200');
    expect(invoked.stdout).toContain('{\\"ErrCode\\":0,\\"ErrMsg\\":\\"ok: stored\\"}');
    const { body } = JSON.parse(readFileSync(path.join(root, event), 'utf8'));
    const voice = await shell(
      receiver.command(`curl -sS http://localhost:3000/sessions/${JSON.parse(body).SessionId}`),
    );
    expect(JSON.parse(voice.stdout).items.map((item: { action: string }) => item.action)).toEqual(['cdr']);
    expect(await stopReceiver(receiver.running)).toBe(true);
  }, 180_000);

  it('PORT=3999 npm start: listens there, and Ctrl-C stops it', async () => {
    const port = await freePort();
    const receiver = await start(
      documented('PORT=3999 npm start').replace('3999', String(port)),
      path.join(data.dir, 'port'),
    );
    expect(receiver.port).toBe(port);
    const pushed = await shell(receiver.command(documented(PUSH_SAMPLE)));
    expect(JSON.parse(pushed.stdout)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    expect(await stopReceiver(receiver.running)).toBe(true);
  }, 180_000);

  it("TCCC_AUTH=basic TCCC_BASIC_USERNAME=tccc TCCC_BASIC_PASSWORD='…' npm start, then curl -u tccc:'…'", async () => {
    const receiver = await start(
      documented("TCCC_AUTH=basic TCCC_BASIC_USERNAME=tccc TCCC_BASIC_PASSWORD='…' npm start"),
      path.join(data.dir, 'basic'),
    );
    expect(receiver.running.output()).toContain('TCCC_AUTH=basic');
    const curl = documented(
      "curl -u tccc:'…' -X POST 'http://localhost:3000/?action=videoCdr&version=1' -H 'Content-Type: application/json;charset=utf8' --data-binary @events/video-cdr.sample.json",
    );
    const pushed = await shell(receiver.command(curl));
    expect(JSON.parse(pushed.stdout)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    // The same line with another password is refused, and the quick start's anonymous push too.
    const wrong = await shell(receiver.command(curl).replace(`'${SECRET}'`, `'${SECRET}x'`));
    expect(JSON.parse(wrong.stdout)).toEqual({ ErrCode: 1008, ErrMsg: 'wrong credentials' });
    const anonymous = await shell(receiver.command(PUSH_SAMPLE));
    expect(JSON.parse(anonymous.stdout)).toEqual({ ErrCode: 1008, ErrMsg: 'HTTP Basic credentials required' });
    expect(receiver.running.output()).not.toContain(SECRET);
    expect(await stopReceiver(receiver.running)).toBe(true);
  }, 180_000);

  it("TCCC_AUTH=oauth2 TCCC_OAUTH_CLIENT_ID=tccc TCCC_OAUTH_CLIENT_SECRET='…' npm start, then the token request", async () => {
    const receiver = await start(
      documented("TCCC_AUTH=oauth2 TCCC_OAUTH_CLIENT_ID=tccc TCCC_OAUTH_CLIENT_SECRET='…' npm start"),
      path.join(data.dir, 'oauth2'),
    );
    const token = await shell(
      receiver.command(
        documented("curl -u tccc:'…' -d grant_type=client_credentials http://localhost:3000/oauth/token"),
      ),
    );
    const issued = JSON.parse(token.stdout);
    expect(issued).toEqual({ access_token: expect.stringMatching(/^eyJ/), token_type: 'Bearer', expires_in: 900 });
    // The token it printed is one the receiver takes.
    const pushed = await fetch(`http://127.0.0.1:${receiver.port}/?action=videoCdr&version=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', authorization: `Bearer ${issued.access_token}` },
      body: JSON.stringify(sample),
    });
    expect(await pushed.json()).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    expect(receiver.running.output()).not.toContain(SECRET);
    expect(await stopReceiver(receiver.running)).toBe(true);
  }, 180_000);
});
