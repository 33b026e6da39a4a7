import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalIdentifier, identifiersOf, MAX_IDENTIFIERS_PER_RECORD } from '../../handler/privacy/identifiers';
import { loadSchema, type SchemaName } from '../../handler/push-types/generated/schemas';
import { EVENTS_DIR } from '../support/events';

const sample = (name: string) => JSON.parse(readFileSync(path.join(EVENTS_DIR, `${name}.sample.json`), 'utf8'));
const shapeOf = async (schema: SchemaName) => (await loadSchema(schema)).shape;

describe('canonical identifiers: a person is found in whichever form TCCC wrote the number', () => {
  it('agrees on a mobile number with 0086, +86, 86, separators or nothing in front, as text or a JSON number', () => {
    const forms = [
      '008613800000001',
      '+8613800000001',
      '+86 138 0000 0001',
      '8613800000001',
      '13800000001',
      13800000001,
    ];
    expect(new Set(forms.map(canonicalIdentifier))).toEqual(new Set(['tel:13800000001']));
  });

  it('agrees on a landline with or without its trunk 0 and 0086', () => {
    for (const form of ['0086075500000002', '0755-0000-0002', '+86 755 0000 0002', '75500000002'])
      expect([form, canonicalIdentifier(form)]).toEqual([form, 'tel:75500000002']);
  });

  it("keeps another country's code, ids as written; too short or too long is no identifier", () => {
    expect(canonicalIdentifier('+14155550100')).toBe('tel:+14155550100');
    expect(canonicalIdentifier('0014155550100')).toBe('tel:+14155550100');
    expect(canonicalIdentifier(' agent1@example.com ')).toBe('id:agent1@example.com');
    expect(canonicalIdentifier('user-42')).toBe('id:user-42');
    for (const nothing of ['', 'A1', 'x'.repeat(129)]) expect(canonicalIdentifier(nothing)).toBeUndefined();
  });
});

describe("identifiers: the fields the schemas mark x-identifier, in TCCC's samples", () => {
  it.each([
    ['cdr', 'cdr.v1', ['tel:13800000001', 'tel:75500000002', 'id:agent1@example.com']],
    ['record', 'record.v1', ['id:agent1@example.com']],
    ['record-caller', 'record.v1', ['tel:13800000001']],
    ['voicemail', 'voicemail.v1', ['tel:13800000001']],
    ['imcdr', 'imcdr.v1', ['id:user-42', 'id:agent1@example.com']],
    ['video-cdr', 'video-cdr.v1', ['id:oZB6q5c-tuMEz-ZiHOAkhW59a4AI', 'id:lululing@tencent.com']],
  ] as const)('%s: exactly %j', async (name, schema, expected) => {
    expect(identifiersOf(sample(name), await shapeOf(schema)).sort()).toEqual([...expected].sort());
  });

  it("takes a phone number in a field the schema does not know (TCCC's next field), not other unknown values", async () => {
    const record = { ...sample('video-cdr'), NewPhoneField: '+86 139 0000 0009', NewNote: 'hello world' };
    const found = identifiersOf(record, await shapeOf('video-cdr.v1'));
    expect(found).toContain('tel:13900000009');
    expect(found).not.toContain('id:hello world');
  });

  it('leaves out personal data that finds no one: names, remarks, URLs, key presses', async () => {
    const record = { ...sample('cdr'), UserRemark: 'VIP caller', Uui: 'order-778899' };
    const found = identifiersOf(record, await shapeOf('cdr.v1'));
    for (const value of ['id:Agent One', 'id:VIP caller', 'id:order-778899', 'id:sales'])
      expect(found).not.toContain(value);
  });

  it(`writes at most ${MAX_IDENTIFIERS_PER_RECORD} for a record, however many phone-like values a hostile body carries; the documented ones first`, async () => {
    const flood = Object.fromEntries(
      Array.from({ length: 5000 }, (_, n) => [`Extra${n}`, `+86 139 ${String(n).padStart(8, '0')}`]),
    );
    const found = identifiersOf({ ...flood, ...sample('cdr') }, await shapeOf('cdr.v1'));
    expect(found).toHaveLength(MAX_IDENTIFIERS_PER_RECORD);
    expect(found.slice(0, 3).sort()).toEqual(['id:agent1@example.com', 'tel:13800000001', 'tel:75500000002']);
  });
});
