import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERR_CODES } from '../../handler/edge/err-codes';

describe('ErrCodes', () => {
  it('are distinct, and only OK is 0', () => {
    const codes = Object.values(ERR_CODES).map((entry) => entry.errCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.entries(ERR_CODES).filter(([, entry]) => entry.errCode === 0)).toEqual([['OK', ERR_CODES.OK]]);
  });

  it('are documented in the README table exactly as the code answers them', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|\s*(yes|no)\s*\|/gm)].map(
      ([, errCode, status, name, retryable]) => ({ name, errCode: Number(errCode), status: Number(status), retryable }),
    );

    expect(rows).toEqual(
      Object.entries(ERR_CODES).map(([name, entry]) => ({
        name,
        errCode: entry.errCode,
        status: entry.status,
        retryable: entry.retryable ? 'yes' : 'no',
      })),
    );
  });
});
