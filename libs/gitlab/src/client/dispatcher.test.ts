import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../testing.js';
import { dispatcherTrusting } from './dispatcher.js';
import { GitlabClient } from './gitlab-client.js';

const certificate = selfSignedCertificate();

describe('dispatcherTrusting', () => {
  it.skipIf(certificate === undefined)('reaches a GitLab whose certificate only the given CA vouches for', async () => {
    const { key, cert } = certificate as NonNullable<typeof certificate>;
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
