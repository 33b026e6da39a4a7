import { readFileSync } from 'node:fs';
import path from 'node:path';
import { versionIdOf } from '../../handler/records/version-id';
import { EVENTS_DIR } from '../support/events';

const sample = (name: string) => JSON.parse(readFileSync(path.join(EVENTS_DIR, `${name}.sample.json`), 'utf8'));

describe('versionIdOf: the identity of a record’s content', () => {
  // Stored versionIds are compared with the versionIds of later pushes: the hash of a record must
  // never change, whatever the implementation. These were computed when the first records were stored.
  it.each([
    ['video-cdr', '414bdcb90e0cb59e494cd0aea9605396'],
    ['cdr', '3dbcdbb12e646a904dcf8d979405cb57'],
    ['imcdr', '89e2b0804a2d6bd8620bdcd8aa9213eb'],
    ['record', 'e818fa2bfd29234f63b2bf6961e1e7db'],
    ['record-caller', '88032b812784fb9947b32c33b6f138e1'],
    ['voicemail', '96eaa80b505f9fe53cdf42769a613734'],
  ])('keeps the versionId of the %s sample', (name, versionId) => {
    expect(versionIdOf(sample(name))).toBe(versionId);
  });

  it('keeps the versionId of a record with every kind of JSON value and awkward keys', () => {
    const record = {
      b: [1, 'x', null, true, { z: 1, a: [] }],
      a: { '10': 1, '9': 2, '': 3, é: 4 },
      n: -0.5e-7,
      u: '\u2028"\\',
    };

    expect(versionIdOf(record)).toBe('1c2949c21ed59d579aef55e8c754d17a');
  });

  it('does not depend on the order of keys, at any depth', () => {
    const record = sample('video-cdr');
    const reordered = Object.fromEntries(
      Object.entries({ ...record, SeatUser: Object.fromEntries(Object.entries(record.SeatUser).reverse()) }).reverse(),
    );

    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(record));
    expect(versionIdOf(reordered)).toBe(versionIdOf(record));
  });

  it('tells apart records that differ in one value, or in the order of an array', () => {
    const record = sample('cdr');

    expect(versionIdOf({ ...record, Duration: record.Duration + 1 })).not.toBe(versionIdOf(record));
    expect(versionIdOf({ x: [1, 2] })).not.toBe(versionIdOf({ x: [2, 1] }));
  });
});
