// What the handlers write (Powertools log lines, EMF metric lines) is what CloudWatch Logs would
// ingest: counted here, into the account open at the time, and not shown. The bench's own lines
// go through `print`. Installed on import, before any handler writes.
export interface LogAccount {
  bytes: number;
  lines: number;
}

const stdout = process.stdout.write.bind(process.stdout);
const stderr = process.stderr.write.bind(process.stderr);
let open: LogAccount | undefined;

function swallow(chunk: string | Uint8Array): boolean {
  if (open) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    open.bytes += Buffer.byteLength(text);
    open.lines += text.split('\n').length - 1;
  }
  return true;
}
process.stdout.write = swallow as typeof process.stdout.write;
process.stderr.write = swallow as typeof process.stderr.write;

export const newLogAccount = (): LogAccount => ({ bytes: 0, lines: 0 });

/** Runs `work` with what the handlers write counted into `account`. */
export async function countingLogs<T>(account: LogAccount, work: () => Promise<T>): Promise<T> {
  open = account;
  try {
    return await work();
  } finally {
    open = undefined;
  }
}

export const print = (line = '') => stdout(`${line}\n`);
export const printError = (line: string) => stderr(`${line}\n`);
