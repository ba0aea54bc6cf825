import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Resolves once the supervisor reports `{"status":"ready"}` as its first line
 * on stdout; rejects with its error (and where the logs are) otherwise.
 */
export async function supervisorReady(stdout: NodeJS.ReadableStream, dir: string): Promise<void> {
  const first = await firstLine(stdout);
  const result = JSON.parse(first || '{"status":"failed","error":"supervisor exited without a word"}') as {
    status: string;
    error?: string;
  };
  if (result.status !== 'ready') {
    throw new Error(`local cluster failed to start: ${result.error ?? result.status} (logs in ${join(dir, 'logs')})`);
  }
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream });
    rl.once('line', (line) => {
      resolve(line);
      rl.close();
    });
    rl.once('close', () => resolve(''));
  });
}
