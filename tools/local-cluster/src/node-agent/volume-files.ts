/**
 * Pure planning of the files a Secret, ConfigMap, downwardAPI or projected
 * volume holds: which key goes to which path with which mode.
 */
import { posix } from 'node:path';
import type { V1DownwardAPIVolumeFile, V1KeyToPath, V1Pod } from '@kubernetes/client-node';
import { fieldRefValue, resourceFieldValue, type PodFacts } from './downward.js';

export interface VolumeFile {
  /** Relative path inside the volume. */
  readonly path: string;
  readonly content: Buffer;
  readonly mode: number;
}

export type FilesResult = { readonly files: VolumeFile[] } | { readonly error: string };

/** Rejects absolute paths and `..` segments (the apiserver does too, but files are written as root). */
export function safeRelative(path: string): boolean {
  if (!path || posix.isAbsolute(path)) return false;
  return !posix.normalize(path).split('/').includes('..');
}

/**
 * Files for a Secret/ConfigMap source: every key, or just `items` (each
 * with its own path and mode). `what` names the source in error messages.
 */
export function keyFiles(
  data: Readonly<Record<string, Buffer>>,
  items: readonly V1KeyToPath[] | undefined,
  defaultMode: number,
  what: 'secret' | 'configmap',
  optional: boolean,
): FilesResult {
  if (!items?.length) {
    return { files: Object.keys(data).sort().filter(safeRelative).map((k) => ({ path: k, content: data[k]!, mode: defaultMode })) };
  }
  const files: VolumeFile[] = [];
  for (const item of items) {
    const content = data[item.key];
    if (content === undefined) {
      if (optional) continue;
      return { error: `${what} references non-existent ${what === 'secret' ? 'secret' : 'config'} key: ${item.key}` };
    }
    if (!safeRelative(item.path)) return { error: `invalid path ${item.path}` };
    files.push({ path: item.path, content, mode: item.mode ?? defaultMode });
  }
  return { files };
}

/** Files for downwardAPI items. */
export function downwardFiles(
  pod: V1Pod,
  items: readonly V1DownwardAPIVolumeFile[] | undefined,
  defaultMode: number,
  facts: PodFacts,
): FilesResult {
  const files: VolumeFile[] = [];
  for (const item of items ?? []) {
    if (!safeRelative(item.path)) return { error: `invalid path ${item.path}` };
    let value: string;
    if (item.fieldRef) {
      const r = fieldRefValue(pod, item.fieldRef, facts);
      if ('error' in r) return r;
      value = r.value;
    } else if (item.resourceFieldRef) {
      const container = pod.spec?.containers.find((c) => c.name === item.resourceFieldRef!.containerName);
      value = resourceFieldValue(container, item.resourceFieldRef, facts);
    } else continue;
    files.push({ path: item.path, content: Buffer.from(value), mode: item.mode ?? defaultMode });
  }
  return { files };
}

/** Decodes a Secret's `data` (base64). */
export function secretData(secret: { data?: Record<string, string>; stringData?: Record<string, string> }): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

/** A ConfigMap's `data` (text) and `binaryData` (base64). */
export function configMapData(cm: { data?: Record<string, string>; binaryData?: Record<string, string> }): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) out[k] = Buffer.from(v);
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}
