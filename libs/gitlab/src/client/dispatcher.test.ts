import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatcherTrusting } from './dispatcher.js';
import { GitlabClient } from './gitlab-client.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A self-signed certificate for 127.0.0.1. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-gitlab-ca-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dispatcherTrusting', () => {
  it.skipIf(!hasOpenssl)('reaches a GitLab whose certificate only the given CA vouches for', async () => {
    const { key, cert } = selfSigned();
    const server = createServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ note: 'hi', author: { id: 1, username: 'sluice', name: 'Sluice' }, created_at: '2026-03-09T10:00:00Z' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const untrusted = new GitlabClient({ host, token: 'glpat-ca' });
      expect(await untrusted.createCommitComment(1, 'a'.repeat(40), 'hi')).toMatchObject({ kind: 'retryable', message: 'network error: DEPTH_ZERO_SELF_SIGNED_CERT' });
      const trusted = new GitlabClient({ host, token: 'glpat-ca', dispatcher: await dispatcherTrusting(cert) });
      expect(await trusted.createCommitComment(1, 'a'.repeat(40), 'hi')).toMatchObject({ kind: 'ok' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
