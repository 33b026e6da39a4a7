import type net from 'node:net';
import {
  bannerCommands,
  dataDir,
  freePorts,
  npmStart,
  occupy,
  release,
  runShell,
  startReceiver,
  stopReceiver,
  untilExit,
  userEnv,
} from '../support/local-receiver';
import { documentationText } from '../support/readme';

const DEFAULTS = { PORT: 3000, DYNAMODB_PORT: 8000, LAMBDA_PORT: 3002 };

describe('npm start: the ports it listens on', () => {
  it.each(Object.keys(DEFAULTS))(
    'stops at once, saying so, when %s names a port already in use',
    async (variable) => {
      const data = dataDir();
      const [toTake, http, dynamodb, lambda] = await freePorts(4);
      const taken = (await occupy(toTake as number)) as net.Server;
      const takenPort = (taken.address() as net.AddressInfo).port;
      const ports: Record<string, string> = {
        PORT: String(http),
        DYNAMODB_PORT: String(dynamodb),
        LAMBDA_PORT: String(lambda),
        [variable]: String(takenPort),
      };
      try {
        const running = npmStart(userEnv({ ...ports, DYNAMODB_DATA_DIR: data.dir }));
        const code = await untilExit(running);

        expect(code).toBe(1);
        expect(running.output()).toContain(`npm start: ${variable}=${takenPort}: port ${takenPort} is already in use`);
        expect(running.output()).not.toContain('Starting Offline');
      } finally {
        await release(taken);
        data.remove();
      }
    },
    60_000,
  );

  it("runs beside whatever holds 3000, 8000 and 3002 on free ports it prints, which the banner's and the README's npm run invoke lines reach", async () => {
    const data = dataDir();
    // Whatever already listens there (another checkout's npm start?) holds them just as well.
    const held = await Promise.all(Object.values(DEFAULTS).map((port) => occupy(port)));
    const env = userEnv({ DYNAMODB_DATA_DIR: data.dir });
    let running: Awaited<ReturnType<typeof startReceiver>> | undefined;
    try {
      running = await startReceiver(env);
      const printed = running.output().match(/ports: PORT=(\d+) {2}DYNAMODB_PORT=(\d+) .* LAMBDA_PORT=(\d+) /);
      expect(printed).not.toBeNull();
      const [http, dynamodb, lambda] = (printed as RegExpMatchArray).slice(1).map(Number) as [number, number, number];
      expect([http, dynamodb, lambda]).not.toEqual(expect.arrayContaining(Object.values(DEFAULTS)));
      expect(new Set([http, dynamodb, lambda]).size).toBe(3);
      for (const [variable, port] of Object.entries(DEFAULTS)) {
        expect(running.output()).toContain(`port ${port} is in use`);
        expect(running.output()).toContain(`(set ${variable} to choose)`);
      }

      // The banner's invoke line, as printed, stores the event's record in this DynamoDB Local...
      const [invoke] = bannerCommands(running.output(), 'Run a function once');
      expect(invoke).toBe(`DYNAMODB_PORT=${dynamodb} npm run invoke -- push events/http-api-v2.json`);
      const invoked = await runShell(invoke as string, env);
      expect(invoked.stdout).toContain('"ErrCode\\":0');
      // ...and so do the documented ones (docs/development.md), with the printed port in place of 8000...
      const readme = documentationText();
      const documented = [...readme.matchAll(/^ *(DYNAMODB_PORT=8000 npm run invoke -- [^#\n]*?) *(?:#.*)?$/gm)].map(
        ([, command]) => (command as string).replace('DYNAMODB_PORT=8000', `DYNAMODB_PORT=${dynamodb}`),
      );
      expect(documented).toHaveLength(5);
      const replies = await runShell(documented.join('\n'), env);
      expect(replies.code).toBe(0);
      expect(replies.stdout.match(/"statusCode": 200/g)).toHaveLength(5);
      // ...which the receiver on the printed port then reads back.
      const [read] = bannerCommands(running.output(), 'Read it back:');
      expect(read).toContain(`http://localhost:${http}/cdrs/`);
      const readBack = await runShell(read as string, env);
      expect(JSON.parse(readBack.stdout).receipt.pushId).toBe('4f7c1d2e-0b7a-4c1e-9d55-4a1f2c3b5e60');
    } finally {
      if (running) expect(await stopReceiver(running)).toBe(true);
      await Promise.all(held.map(release));
      data.remove();
    }
  }, 180_000);
});
