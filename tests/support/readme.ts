import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** README.md and every page under docs/: the text a reader copies commands from. */
export function documentationPages(): string[] {
  const docs = path.join(root, 'docs');
  const pages = ['README.md'];
  try {
    for (const name of readdirSync(docs, { recursive: true }) as string[])
      if (name.endsWith('.md')) pages.push(path.join('docs', name));
  } catch {
    // No docs/ folder yet: the README alone.
  }
  return pages;
}

/** The text of README.md and every page under docs/, one after the other. */
export function documentationText(): string {
  return documentationPages()
    .map((page) => readFileSync(path.join(root, page), 'utf8'))
    .join('\n');
}

/**
 * The commands README.md and docs/ show, as a reader copies them: every line of their ```sh
 * blocks (a line ending in `\` joined to the next) and every inline code span, trimmed,
 * without a trailing `# comment`.
 */
export function readmeCommands(): string[] {
  const readme = documentationText();
  const commands: string[] = [];
  for (const [, block] of readme.matchAll(/^ *```sh\n([\s\S]*?)^ *```$/gm)) {
    // A line ending in a backslash goes on with the next, as bash reads it.
    const lines = (block as string).replace(/\\\n\s*/g, '').split('\n');
    for (const line of lines) commands.push(line.replace(/\s+#.*$/, '').trim());
  }
  for (const [, span] of readme.matchAll(/`([^`\n]+)`/g)) commands.push((span as string).trim());
  return commands.filter((command) => command !== '');
}

/**
 * `command` exactly as README.md shows it; throws when the README no longer does, so that a
 * test running it fails the day the two part.
 */
export function documented(command: string): string {
  if (!readmeCommands().includes(command)) throw new Error(`neither README.md nor docs/ shows \`${command}\``);
  return command;
}

/**
 * Runs a README command line in bash in the project folder (or `cwd`), as a reader pastes it: its exit
 * code, what the command itself printed (npm's two `> script` lines dropped) and its stderr.
 */
export function runDocumented(
  command: string,
  env: NodeJS.ProcessEnv,
  cwd = root,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout: stdout.replace(/^\n> [^\n]*\n> [^\n]*\n\n/, ''), stderr }));
  });
}
