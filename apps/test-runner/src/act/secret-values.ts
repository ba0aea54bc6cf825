import type { KubeClient, KubeObject } from '@sluice/kube';

/** The values of the Secrets a Job mounts, to redact them; or the Secret that could not be read. */
export type SecretValues = { readonly ok: true; readonly values: string[] } | { readonly ok: false; readonly secret: string; readonly error: string };

/**
 * Reads the Secrets `names` in `namespace` (needs `get` on secrets there) and
 * returns every value, decoded. The runner keeps them in memory only for the
 * one redaction; a Secret that no longer exists has nothing to hide.
 */
export async function readSecretValues(client: KubeClient, namespace: string, names: readonly string[]): Promise<SecretValues> {
  const values: string[] = [];
  for (const name of names) {
    let secret: (KubeObject & { data?: Record<string, string> }) | undefined;
    try {
      secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    } catch (err) {
      return { ok: false, secret: name, error: err instanceof Error ? err.message : String(err) };
    }
    for (const value of Object.values(secret?.data ?? {})) values.push(Buffer.from(value, 'base64').toString('utf8'));
  }
  return { ok: true, values };
}
