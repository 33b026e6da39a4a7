import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERR_CODES } from '../handler/errors';

/** The README's ErrCode table as the code defines it, row for row, cell for cell. */
function errCodeRows(): string[][] {
  return Object.entries(ERR_CODES).map(([name, entry]) => [
    String(entry.errCode),
    String(entry.status),
    `\`${name}\``,
    entry.retryable ? 'yes' : 'no',
    entry.meaning,
  ]);
}

/** A markdown table's body rows as trimmed cells (the formatter pads them). */
function tableRows(table: string): string[][] {
  return table
    .split('\n')
    .slice(2)
    .map((row) =>
      row
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('ErrCodes', () => {
  it('are distinct, and only OK is 0', () => {
    const codes = Object.values(ERR_CODES).map((entry) => entry.errCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.entries(ERR_CODES).filter(([, entry]) => entry.errCode === 0)).toEqual([['OK', ERR_CODES.OK]]);
  });

  it('are documented in the README by a table generated from them, compared whole', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const table = readme.match(/^\| ErrCode \|[^\n]*\n(?:\|[^\n]*\n)+/m)?.[0].trimEnd() ?? '';
    // On a mismatch, the expected rows are printed.
    expect(tableRows(table)).toEqual(errCodeRows());
  });
});
