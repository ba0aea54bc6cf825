import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError('secret_unreadable', [`secret file ${path} cannot be read (${code}); is the Secret mounted?`], { cause: error });
  }
}

/**
 * Reads a secret mounted as a file (a Kubernetes Secret volume), trimmed of
 * surrounding whitespace such as the trailing newline editors add.
 *
 * @throws {ConfigError} `secret_unreadable` when the file cannot be read,
 *   `secret_empty` when it holds only whitespace. Messages name the path,
 *   never the content.
 */
export async function readSecretFile(path: string): Promise<string> {
  const secret = (await readText(path)).trim();
  if (secret === '') throw new ConfigError('secret_empty', [`secret file ${path} is empty`]);
  return secret;
}

/**
 * Reads a secret file holding one value per line, for secrets that rotate
 * (several tokens valid at once). Lines are trimmed; blank lines are skipped.
 *
 * @throws {ConfigError} as {@link readSecretFile}.
 */
export async function readSecretFileLines(path: string): Promise<readonly string[]> {
  const lines = (await readText(path))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) throw new ConfigError('secret_empty', [`secret file ${path} is empty`]);
  return Object.freeze(lines);
}
