/** A markdown table's body rows as trimmed cells (the formatter pads them). */
export function tableRows(table: string): string[][] {
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

/** The table in `text` whose header row starts with `| <first header> |`, header lines included; '' if none. */
export function tableStartingWith(text: string, firstHeader: string): string {
  const escaped = firstHeader.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`^\\| ${escaped} +\\|[^\\n]*\\n(?:\\|[^\\n]*\\n)+`, 'm'))?.[0].trimEnd() ?? '';
}
