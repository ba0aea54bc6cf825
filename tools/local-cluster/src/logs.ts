import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a log file, or '' when it does not exist. */
export async function readLogTail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
