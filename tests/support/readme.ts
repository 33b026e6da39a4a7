import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The commands README.md shows, as a reader copies them: every line of its ```sh blocks and
 * every inline code span, trimmed, without a trailing `# comment`.
 */
export function readmeCommands(): string[] {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const commands: string[] = [];
  for (const [, block] of readme.matchAll(/^ *```sh\n([\s\S]*?)^ *```$/gm)) {
    for (const line of (block as string).split('\n')) commands.push(line.replace(/\s+#.*$/, '').trim());
  }
  for (const [, span] of readme.matchAll(/`([^`\n]+)`/g)) commands.push((span as string).trim());
  return commands.filter((command) => command !== '');
}

/**
 * `command` exactly as README.md shows it; throws when the README no longer does, so that a
 * test running it fails the day the two part.
 */
export function documented(command: string): string {
  if (!readmeCommands().includes(command)) throw new Error(`README.md does not show \`${command}\``);
  return command;
}
