import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { loadKubeConfig } from '@sluice/kube';

type KubeConfig = ReturnType<typeof loadKubeConfig>;

/** Where to read a log tail from, and how much. */
export interface LogTailRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly tailLines: number;
  readonly limitBytes: number;
}

/**
 * The end of one container's log through `pods/log` (`tailLines`,
 * `limitBytes`), authenticated like every other call from this KubeConfig.
 * Best effort: a log that cannot be read is `undefined`, never a failed
 * stage (the reason comes from facts, not from the log). Lives here until
 * `@sluice/kube` offers pod logs.
 */
export async function readLogTail(kubeConfig: KubeConfig, req: LogTailRequest): Promise<string | undefined> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) return undefined;
  const url = new URL(`${cluster.server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/log`);
  url.searchParams.set('container', req.container);
  url.searchParams.set('tailLines', String(req.tailLines));
  url.searchParams.set('limitBytes', String(req.limitBytes));
  const options: Record<string, unknown> = { headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? request : httpRequest;
  return new Promise((resolve) => {
    const req2 = send(url, { ...options, method: 'GET', timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // The server honours limitBytes; this bounds a misbehaving one too.
        if (size < req.limitBytes) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8').slice(0, req.limitBytes) : undefined));
      res.on('error', () => resolve(undefined));
    });
    req2.on('timeout', () => req2.destroy());
    req2.on('error', () => resolve(undefined));
    req2.end();
  });
}
