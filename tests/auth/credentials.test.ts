import type { AuthConfig } from '../../handler/auth/auth-config';
import { authenticate } from '../../handler/auth/authenticate';
import { matchesDigest, secretDigest, secretsEqual } from '../../handler/auth/credentials';
import { Refusal } from '../../handler/common/errors';
import { basicHeader } from './support';

describe('secret comparison', () => {
  it.each([
    ['equal', 's3cret', 's3cret', true],
    ['a prefix', 's3c', 's3cret', false],
    ['longer', 's3cret!', 's3cret', false],
    ['empty against a secret', '', 's3cret', false],
    ['one character off', 's3creT', 's3cret', false],
  ])('%s: %s vs %s is %s', (_title, given, expected, equal) => {
    expect(secretsEqual(given, expected)).toBe(equal);
    expect(matchesDigest(given, secretDigest(expected))).toBe(equal);
  });
});

describe('basic credentials against their configuration', () => {
  const configOf = (password: string): AuthConfig => ({ mode: 'basic', username: 'tccc', password });
  const check = (config: AuthConfig, password: string) =>
    authenticate({ authorization: basicHeader('tccc', password) }, config);

  it('checks each configuration against its own secrets (the expected digests are kept per configuration)', async () => {
    const before = configOf('old-password');
    const rotated = configOf('new-password');

    await expect(check(before, 'old-password')).resolves.toBeUndefined();
    await expect(check(rotated, 'old-password')).rejects.toBeInstanceOf(Refusal);
    await expect(check(rotated, 'new-password')).resolves.toBeUndefined();
    await expect(check(before, 'new-password')).rejects.toBeInstanceOf(Refusal);
    // Again, from the kept digests.
    await expect(check(before, 'old-password')).resolves.toBeUndefined();
    await expect(check(rotated, 'new-password')).resolves.toBeUndefined();
  });

  it('refuses a wrong username however often the right password comes with it', async () => {
    const config = configOf('pw');
    for (const username of ['tccc ', 'TCCC', '', 'tcc']) {
      await expect(authenticate({ authorization: basicHeader(username, 'pw') }, config)).rejects.toThrow(
        'wrong credentials',
      );
    }
  });
});
