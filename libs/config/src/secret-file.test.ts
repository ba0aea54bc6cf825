import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { readSecretFile, readSecretFileLines } from './secret-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-config-'));
  await writeFile(join(dir, 'token'), '  s3cr3t-token\n');
  await writeFile(join(dir, 'blank'), ' \n\t\n');
  await writeFile(join(dir, 'rotated'), 'new-token\r\n\nold-token\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error('expected a ConfigError');
  return error;
}

describe('readSecretFile', () => {
  it('returns the trimmed content', async () => {
    await expect(readSecretFile(join(dir, 'token'))).resolves.toBe('s3cr3t-token');
  });

  it('refuses an empty secret, naming the file', async () => {
    const error = await failure(readSecretFile(join(dir, 'blank')));
    expect(error.code).toBe('secret_empty');
    expect(error.message).toBe(`secret file ${join(dir, 'blank')} is empty`);
  });

  it('reports a missing mount, keeping the cause', async () => {
    const error = await failure(readSecretFile(join(dir, 'missing')));
    expect(error.code).toBe('secret_unreadable');
    expect(error.message).toBe(`secret file ${join(dir, 'missing')} cannot be read (ENOENT); is the Secret mounted?`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('readSecretFileLines', () => {
  it('returns every non-blank line, for secrets valid side by side during rotation', async () => {
    await expect(readSecretFileLines(join(dir, 'rotated'))).resolves.toEqual(['new-token', 'old-token']);
  });

  it('refuses a file with no values', async () => {
    expect((await failure(readSecretFileLines(join(dir, 'blank')))).code).toBe('secret_empty');
  });
});
