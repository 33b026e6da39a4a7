/**
 * Control characters (C0, DEL, C1), bidirectional overrides and isolates, and line
 * separators: what can rewrite a terminal (clear screen, window title, carriage return)
 * or reorder what a reader sees.
 */
const UNSAFE = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;

/** `text` with every unsafe character shown as `\u{XX}`: fit for a terminal, a log line or a message. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u{${(char.codePointAt(0) as number).toString(16)}}`);
}

/** A client-given value fit to echo in a reply: escaped, and at most `max` characters of it. */
export function quoted(value: string, max = 64): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${escapeControls(shown).replace(/"/g, '\\"')}"`;
}

/**
 * `value` as JSON text fit for a terminal: what JSON.stringify leaves raw inside strings (DEL,
 * C1 controls, bidi controls, line separators) written as `\uXXXX` escapes, so the text still
 * parses to the same value. Raw newlines are only the indentation's.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'undefined').replace(UNSAFE, (char) =>
    char === '\n' ? char : `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
}
