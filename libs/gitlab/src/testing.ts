/**
 * `@sluice/gitlab/testing`: helpers for tests of a GitLab reached over HTTPS
 * with a private CA (self-managed GitLab).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed EC certificate for 127.0.0.1 (it is its own CA), made with `openssl`; `undefined` when openssl is missing. */
export function selfSignedCertificate(): { readonly key: string; readonly cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-gitlab-ca-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { newWebhookSecrets, signedWebhookHeaders } from './signed-webhook.js';
export type { SignOptions, WebhookSecrets } from './signed-webhook.js';
