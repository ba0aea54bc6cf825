import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTraceReceiver } from './receiver.js';

describe('startTraceReceiver without a built binary', () => {
  let empty: string | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    if (empty) await rm(empty, { recursive: true, force: true });
  });

  it('fails saying where the binary should be and to run build.sh', async () => {
    empty = await mkdtemp(join(tmpdir(), 'sluice-no-jaeger-'));
    vi.stubEnv('SLUICE_CACHE_DIR', empty);
    const started = startTraceReceiver();
    await expect(started).rejects.toThrow(`${empty}/trace-receiver-bin/`);
    await expect(started).rejects.toThrow('Run `bash tools/trace-receiver/build.sh`');
  });
});
