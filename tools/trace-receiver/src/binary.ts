import { createHash } from 'node:crypto';
import { access, constants, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The files build.sh hashes, in its order. */
const KEYED_FILES = ['go/go.mod', 'go/go.sum', 'build.sh'];

/**
 * Where build.sh puts the Jaeger binary for the pinned versions: the same
 * cache root and key (first 16 hex digits of the SHA-256 of go.mod, go.sum and
 * build.sh), so both agree without running the script.
 */
export async function jaegerBinaryPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const hash = createHash('sha256');
  for (const file of KEYED_FILES) hash.update(await readFile(join(ROOT, file)));
  const key = hash.digest('hex').slice(0, 16);
  const cacheRoot = env['SLUICE_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'sluice');
  return join(cacheRoot, 'trace-receiver-bin', key, 'jaeger');
}

/** The binary's path, or an error saying how to build it. */
export async function requireJaegerBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = await jaegerBinaryPath(env);
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(
      `the trace receiver (Jaeger) is not built for the pinned versions: ${path} is missing. ` +
        'Run `bash tools/trace-receiver/build.sh` (tools/test.sh does) and try again.',
    );
  }
  return path;
}
