import type { SluiceService } from '@sluice/manifests';
import { SLUICE_SERVICES } from '@sluice/manifests';
import { manifestKey, type Manifest } from './install.js';
import type { InstallProfile } from './profile.js';

/** A kustomize overlay expressed as data: transformer entries, extra resources and strategic merge patches. */
export interface OverlayPlan {
  readonly images: { name: string; newName: string; newTag?: string; digest?: string }[];
  readonly replicas: { name: string; count: number }[];
  readonly resources: Manifest[];
  readonly patches: Manifest[];
}

type Json = unknown;
// Lists whose strategic-merge key is `name`: their items are patched one by one.
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes']);

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The smallest strategic merge patch turning `from` into `to`; `undefined` when equal. */
function diff(from: Json, to: Json, key = ''): Json {
  if (JSON.stringify(from) === JSON.stringify(to)) return undefined;
  if (isRecord(from) && isRecord(to)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(from)) if (!(k in to)) throw new Error(`overlay removes field "${k}"; overlays may only add or change (change the base instead)`);
    for (const [k, v] of Object.entries(to)) {
      const d = diff(from[k], v, k);
      if (d !== undefined) out[k] = d;
    }
    return out;
  }
  if (MERGE_BY_NAME.has(key) && Array.isArray(from) && Array.isArray(to)) {
    const names = (a: Json[]) => a.map((i) => (isRecord(i) ? i['name'] : undefined));
    if (JSON.stringify(names(from)) === JSON.stringify(names(to))) {
      // Every item, unchanged ones by name only: kustomize puts patched items first, so naming all keeps the order.
      return to.map((item, i) => ({ name: (item as Record<string, Json>)['name'], ...((diff(from[i], item) ?? {}) as Record<string, Json>) }));
    }
  }
  return to;
}

function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), digest: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? { name: image.slice(0, colon), tag: image.slice(colon + 1) } : { name: image };
}

function withImagesAndReplicas(m: Manifest, images: Readonly<Record<SluiceService, string>>, replicas: Readonly<Record<SluiceService, number>>): Manifest {
  if (m.kind !== 'Deployment') return m;
  const copy = structuredClone(m) as Manifest & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
  const service = m.metadata.name as SluiceService;
  if (!SLUICE_SERVICES.includes(service)) return m;
  copy.spec.replicas = replicas[service];
  for (const c of copy.spec.template.spec.containers) c.image = images[service];
  return copy;
}

/**
 * What an overlay must say to turn `base` into `target`: image and replica
 * changes as kustomize transformers, new objects as resources, changed ones
 * as minimal strategic merge patches. An overlay that would drop a base
 * object or field is refused: overlays only add or change.
 */
export function planOverlay(baseProfile: InstallProfile, base: readonly Manifest[], profile: InstallProfile, target: readonly Manifest[]): OverlayPlan {
  const images = SLUICE_SERVICES.filter((s) => baseProfile.images[s] !== profile.images[s]).map((s) => {
    const from = splitImage(baseProfile.images[s]);
    const to = splitImage(profile.images[s]);
    return { name: from.name, newName: to.name, ...(to.tag !== undefined && { newTag: to.tag }), ...(to.digest !== undefined && { digest: to.digest }) };
  });
  const replicas = SLUICE_SERVICES.filter((s) => baseProfile.replicas[s] !== profile.replicas[s]).map((s) => ({ name: s, count: profile.replicas[s] }));
  const transformed = new Map(base.map((m) => [manifestKey(m), withImagesAndReplicas(m, profile.images, profile.replicas)]));
  const targetKeys = new Set(target.map(manifestKey));
  for (const key of transformed.keys()) {
    if (!targetKeys.has(key)) throw new Error(`overlay drops ${key}; overlays may only add or change objects`);
  }
  const resources: Manifest[] = [];
  const patches: Manifest[] = [];
  for (const m of target) {
    const from = transformed.get(manifestKey(m));
    if (!from) {
      resources.push(m);
      continue;
    }
    const d = diff(from, m) as Record<string, Json> | undefined;
    if (d === undefined) continue;
    const { apiVersion, kind, metadata, ...rest } = d;
    void apiVersion;
    void kind;
    patches.push({
      apiVersion: m.apiVersion,
      kind: m.kind,
      metadata: { name: m.metadata.name, ...(m.metadata.namespace !== undefined && { namespace: m.metadata.namespace }), ...(metadata as object) },
      ...rest,
    });
  }
  return { images, replicas, resources, patches };
}
