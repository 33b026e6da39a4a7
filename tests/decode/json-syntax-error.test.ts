import fc from 'fast-check';
import { describeJsonSyntaxError } from '../../handler/decode/json-syntax-error';

/** The whole vocabulary of the message: a fixed rule from jsonc-parser and numbers, nothing else. */
const SHAPE = /^body is not valid JSON: [a-z ]+ at line \d+ column \d+ \(byte \d+\)$/;

const refusedByJsonParse = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

/** Valid JSON with one character inserted, removed or replaced: what a broken push looks like. */
const brokenJson = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom('insert', 'remove', 'replace'), fc.string({ minLength: 1, maxLength: 1 }))
  .map(([json, at, edit, char]) => {
    const index = json.length === 0 ? 0 : at % json.length;
    if (edit === 'insert') return json.slice(0, index) + char + json.slice(index);
    if (edit === 'remove') return json.slice(0, index) + json.slice(index + 1);
    return json.slice(0, index) + char + json.slice(index + 1);
  })
  .filter(refusedByJsonParse);

describe('describeJsonSyntaxError', () => {
  it('places every error JSON.parse finds, in words and numbers only', () => {
    fc.assert(
      fc.property(fc.oneof(brokenJson, fc.string().filter(refusedByJsonParse)), (text) => {
        expect(describeJsonSyntaxError(text)).toMatch(SHAPE);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts lines and columns from 1, and bytes in UTF-8 after what was dropped before the text', () => {
    const text = '{\n  "名": "璐",\n  "a": tru\n}';

    expect(describeJsonSyntaxError(text, 3)).toBe(
      `body is not valid JSON: invalid symbol at line 3 column 8 (byte ${3 + Buffer.byteLength('{\n  "名": "璐",\n  "a": ')})`,
    );
  });

  it.each([
    ['{"a":1,}', 'property name expected'],
    ['{"a":1', 'close brace expected'],
    ['[1,2', 'close bracket expected'],
    ['{"a" 1}', 'colon expected'],
    ['{"a":"\\x"}', 'invalid escape character'],
    ['{"a":1} // note', 'invalid comment token'],
  ])('names the rule %s breaks', (text, rule) => {
    expect(describeJsonSyntaxError(text)).toContain(`: ${rule} at`);
  });
});
