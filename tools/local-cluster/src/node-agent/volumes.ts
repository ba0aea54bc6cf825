/**
 * Materialises a pod's volumes as directories under its pod directory
 * (emptyDir, Secret, ConfigMap, downwardAPI, projected incl. service account
 * tokens via TokenRequest), or points at host paths (hostPath, and a
 * per-claim directory standing in for a PersistentVolumeClaim). The process
 * runner then bind-mounts them at each container's mountPath.
 */
import { chmod, chown, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import type { PodFacts } from './downward.js';
import { isApiStatus, type KubeClient } from './kube-client.js';
import { configMapData, downwardFiles, keyFiles, secretData, type FilesResult, type VolumeFile } from './volume-files.js';

/** A volume could not be set up (yet); the message is what the kubelet would say. */
export class VolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeError';
  }
}

export interface VolumeContext {
  readonly client: KubeClient;
  readonly pod: V1Pod;
  /** Host directory of this pod; volumes go to `<podDir>/volumes/<name>`. */
  readonly podDir: string;
  /** The agent's work directory; claim directories go to `<workDir>/claims/<ns>/<claim>`. */
  readonly workDir: string;
  readonly facts: PodFacts;
}

/** Host path behind each volume name. */
export type VolumePaths = ReadonlyMap<string, { readonly path: string; readonly type: 'dir' | 'file' }>;

async function fetchData(ctx: VolumeContext, kind: 'secrets' | 'configmaps', name: string): Promise<Record<string, Buffer> | undefined> {
  const ns = ctx.pod.metadata!.namespace!;
  try {
    const obj = await ctx.client.request<Record<string, Record<string, string>>>('GET', `/api/v1/namespaces/${ns}/${kind}/${name}`);
    return kind === 'secrets' ? secretData(obj) : configMapData(obj);
  } catch (err) {
    if (isApiStatus(err, 404)) return undefined;
    throw err;
  }
}

async function requestToken(ctx: VolumeContext, audience: string | undefined, expirationSeconds: number): Promise<string> {
  const pod = ctx.pod;
  const sa = pod.spec?.serviceAccountName || 'default';
  const res = await ctx.client.request<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${pod.metadata!.namespace}/serviceaccounts/${sa}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          ...(audience ? { audiences: [audience] } : {}),
          expirationSeconds: Math.max(600, expirationSeconds),
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name, uid: pod.metadata!.uid },
        },
      },
    },
  );
  return res.status.token;
}

function orFail(volume: string, result: FilesResult): VolumeFile[] {
  if ('error' in result) throw new VolumeError(`MountVolume.SetUp failed for volume "${volume}" : ${result.error}`);
  return result.files;
}

async function sourceFiles(ctx: VolumeContext, v: V1Volume): Promise<VolumeFile[]> {
  const missing = (what: string, name: string) =>
    new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${what} "${name}" not found`);
  if (v.secret) {
    const data = await fetchData(ctx, 'secrets', v.secret.secretName!);
    if (!data && !v.secret.optional) throw missing('secret', v.secret.secretName!);
    return orFail(v.name, keyFiles(data ?? {}, v.secret.items, v.secret.defaultMode ?? 0o644, 'secret', !!v.secret.optional));
  }
  if (v.configMap) {
    const data = await fetchData(ctx, 'configmaps', v.configMap.name!);
    if (!data && !v.configMap.optional) throw missing('configmap', v.configMap.name!);
    return orFail(v.name, keyFiles(data ?? {}, v.configMap.items, v.configMap.defaultMode ?? 0o644, 'configmap', !!v.configMap.optional));
  }
  if (v.downwardAPI) return orFail(v.name, downwardFiles(ctx.pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? 0o644, ctx.facts));
  const projected = v.projected!;
  const mode = projected.defaultMode ?? 0o644;
  const files: VolumeFile[] = [];
  for (const s of projected.sources ?? []) {
    if (s.secret) {
      const data = await fetchData(ctx, 'secrets', s.secret.name!);
      if (!data && !s.secret.optional) throw missing('secret', s.secret.name!);
      files.push(...orFail(v.name, keyFiles(data ?? {}, s.secret.items, mode, 'secret', !!s.secret.optional)));
    } else if (s.configMap) {
      const data = await fetchData(ctx, 'configmaps', s.configMap.name!);
      if (!data && !s.configMap.optional) throw missing('configmap', s.configMap.name!);
      files.push(...orFail(v.name, keyFiles(data ?? {}, s.configMap.items, mode, 'configmap', !!s.configMap.optional)));
    } else if (s.downwardAPI) {
      files.push(...orFail(v.name, downwardFiles(ctx.pod, s.downwardAPI.items, mode, ctx.facts)));
    } else if (s.serviceAccountToken) {
      const token = await requestToken(ctx, s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds ?? 3600).catch(
        (err: unknown) => {
          throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : failed to fetch token: ${(err as Error).message}`);
        },
      );
      files.push({ path: s.serviceAccountToken.path, content: Buffer.from(token), mode });
    }
    // clusterTrustBundle and podCertificate sources are not supported and are skipped.
  }
  return files;
}

async function writeFiles(dir: string, files: readonly VolumeFile[], fsGroup: number | undefined): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, fsGroup === undefined ? 0o755 : 0o2755);
  for (const f of files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, f.content);
    // With an fsGroup the group may read the file, as the kubelet arranges.
    await chmod(path, fsGroup === undefined ? f.mode : f.mode | 0o440);
    if (fsGroup !== undefined) await chown(path, 0, fsGroup);
  }
  if (fsGroup !== undefined) await chown(dir, 0, fsGroup);
}

async function hostPath(v: V1Volume): Promise<{ path: string; type: 'dir' | 'file' }> {
  const { path, type = '' } = v.hostPath!;
  const st = await stat(path).catch(() => undefined);
  if (!st) {
    if (type === 'DirectoryOrCreate') {
      await mkdir(path, { recursive: true, mode: 0o755 });
      return { path, type: 'dir' };
    }
    if (type === 'FileOrCreate') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, '', { mode: 0o644 });
      return { path, type: 'file' };
    }
    throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : hostPath type check failed: ${path} does not exist`);
  }
  return { path, type: st.isDirectory() ? 'dir' : 'file' };
}

/** Sets up every volume of the pod; throws {@link VolumeError} when one cannot be set up yet. */
export async function materializeVolumes(ctx: VolumeContext): Promise<VolumePaths> {
  const out = new Map<string, { path: string; type: 'dir' | 'file' }>();
  const fsGroup = ctx.pod.spec?.securityContext?.fsGroup;
  for (const v of ctx.pod.spec?.volumes ?? []) {
    const dir = join(ctx.podDir, 'volumes', v.name);
    if (v.emptyDir || v.ephemeral) {
      await mkdir(dir, { recursive: true });
      await chmod(dir, 0o777);
      out.set(v.name, { path: dir, type: 'dir' });
    } else if (v.secret || v.configMap || v.downwardAPI || v.projected) {
      await writeFiles(dir, await sourceFiles(ctx, v), fsGroup);
      out.set(v.name, { path: dir, type: 'dir' });
    } else if (v.hostPath) {
      out.set(v.name, await hostPath(v));
    } else if (v.persistentVolumeClaim) {
      const claimDir = join(ctx.workDir, 'claims', ctx.pod.metadata!.namespace!, v.persistentVolumeClaim.claimName);
      await mkdir(claimDir, { recursive: true });
      await chmod(claimDir, 0o777);
      out.set(v.name, { path: claimDir, type: 'dir' });
    } else {
      const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
      throw new VolumeError(`volume "${v.name}": ${kind} volumes are not supported by the sluice node agent`);
    }
  }
  return out;
}
