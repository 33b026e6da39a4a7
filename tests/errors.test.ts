import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERR_CODES } from '../handler/common/errors';
import { MAX_BODY_BYTES } from '../handler/common/limits';
import { tableRows } from './support/markdown';

/** The README's ErrCode table as the code defines it, row for row: code, HTTP status, name, retryable. */
function errCodeRows(): string[][] {
  return Object.entries(ERR_CODES).map(([name, entry]) => [
    String(entry.errCode),
    String(entry.status),
    `\`${name}\``,
    entry.retryable ? 'yes' : 'no',
  ]);
}

describe('ErrCodes', () => {
  it('are distinct, and only OK is 0', () => {
    const codes = Object.values(ERR_CODES).map((entry) => entry.errCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.entries(ERR_CODES).filter(([, entry]) => entry.errCode === 0)).toEqual([['OK', ERR_CODES.OK]]);
  });

  it('are each documented in the README table, row for row, with what it means', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const table = readme.match(/^\| ErrCode \|[^\n]*\n(?:\|[^\n]*\n)+/m)?.[0].trimEnd() ?? '';
    const rows = tableRows(table);
    // On a mismatch, the expected rows are printed.
    expect(rows.map((row) => row.slice(0, 4))).toEqual(errCodeRows());
    for (const row of rows) expect(row[4]).toMatch(/\w{3,}.*\.$/);
    // The size cap is the code's, not a number written down twice.
    const tooLarge = rows.find((row) => row[2] === '`BODY_TOO_LARGE`')?.[4];
    expect(tooLarge).toContain(`${MAX_BODY_BYTES / 1024} KiB`);
  });
});
