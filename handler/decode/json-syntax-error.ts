import { printParseErrorCode, visit } from 'jsonc-parser';

/**
 * Where and why a text is not JSON, in words that hold nothing of the text itself. V8's
 * JSON.parse messages quote the characters around the error (`Unexpected token 'I',
 * ..."Remark": ID11010119"... is not valid JSON`): a remark's ID number would reach the
 * reply, the logs and the quarantine entry. jsonc-parser (strict: no comments, no trailing
 * commas) finds the first error again, as a rule from a fixed list and an offset. Runs only
 * for a body JSON.parse has already refused.
 */
export function describeJsonSyntaxError(text: string, leadingBytes = 0): string {
  let first: { code: string; offset: number; line: number; column: number } | undefined;
  visit(
    text,
    {
      onError(error, offset, _length, line, column) {
        first ??= { code: printParseErrorCode(error), offset, line, column };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (!first) return 'body is not valid JSON';
  // "CloseBraceExpected" -> "close brace expected"
  const rule = first.code.startsWith('<') ? 'syntax error' : first.code.replace(/(?<!^)([A-Z])/g, ' $1').toLowerCase();
  const byte = leadingBytes + Buffer.byteLength(text.slice(0, first.offset), 'utf8');
  return `body is not valid JSON: ${rule} at line ${first.line + 1} column ${first.column + 1} (byte ${byte})`;
}
