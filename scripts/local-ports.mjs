// The ports `npm start` listens on. A port set in the environment is used or refused; an
// unset one is its default when free, otherwise any free port: a second checkout, or
// anything else on 3000/8000/3002, then runs beside it instead of colliding.
import net from 'node:net';

const LOCAL_PORTS = [
  { variable: 'PORT', what: 'the receiver', fallback: 3000 },
  { variable: 'DYNAMODB_PORT', what: 'DynamoDB Local', fallback: 8000 },
  { variable: 'LAMBDA_PORT', what: "serverless-offline's Lambda endpoint", fallback: 3002 },
];

/** A port that cannot be used as the environment asks: npm start says why and stops. */
export class PortUnavailable extends Error {
  name = 'PortUnavailable';
}

/** True when nothing listens on `port` on any interface (IPv4 or IPv6, loopback or not). */
function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

function anyFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function parsePort(variable, text) {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new PortUnavailable(`${variable}=${text} is not a port number (1-65535)`);
  return port;
}

/**
 * The port for each of LOCAL_PORTS (but those named in `without`), by variable name, and a
 * note for each default that was taken. Set ports are checked first, so an unset one never
 * takes a port another asked for.
 */
export async function chooseLocalPorts(env = process.env, { without = [] } = {}) {
  const ports = {};
  const notes = [];
  const taken = new Set();
  const wanted = LOCAL_PORTS.filter(({ variable }) => !without.includes(variable));
  const given = wanted.filter(({ variable }) => env[variable]);
  for (const { variable, what } of given) {
    const port = parsePort(variable, env[variable]);
    const other = Object.keys(ports).find((name) => ports[name] === port);
    if (other) throw new PortUnavailable(`${variable}=${port} is the same port as ${other}=${port}; give each its own`);
    if (!(await isPortFree(port))) {
      throw new PortUnavailable(
        `${variable}=${port}: port ${port} is already in use, so ${what} cannot listen on it. ` +
          `Stop what listens there, set ${variable} to another port, or unset it to let npm start pick a free one.`,
      );
    }
    ports[variable] = port;
    taken.add(port);
  }
  for (const { variable, what, fallback } of wanted.filter((spec) => !given.includes(spec))) {
    let port = fallback;
    if (taken.has(port) || !(await isPortFree(port))) {
      do port = await anyFreePort();
      while (taken.has(port));
      notes.push(`port ${fallback} is in use: ${what} listens on ${port} instead (set ${variable} to choose)`);
    }
    ports[variable] = port;
    taken.add(port);
  }
  return { ports, notes };
}
