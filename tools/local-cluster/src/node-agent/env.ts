/**
 * A container's environment, the way the kubelet builds it: base variables,
 * then `envFrom`, then `env` in order with `$(VAR)` expansion against what is
 * already defined; plus the agent's `POD_IP` and `HOST` (the pod's own
 * address, so an app that binds `$HOST:$PORT` gets it). Pure: Secrets and
 * ConfigMaps are fetched beforehand (see {@link referencedObjects}).
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expand, fieldRefValue, resourceFieldValue, type PodFacts } from './downward.js';

/** Decoded data of the Secrets and ConfigMaps a container refers to, by name; missing ones are absent. */
export interface ReferencedData {
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** Names of the Secrets and ConfigMaps that `containers` use in env/envFrom. */
export function referencedObjects(containers: readonly V1Container[]): { secrets: Set<string>; configMaps: Set<string> } {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      if (from.secretRef?.name) secrets.add(from.secretRef.name);
      if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
    }
  }
  return { secrets, configMaps };
}

export type EnvResult = { readonly env: Record<string, string> } | { readonly error: string };

/**
 * Builds the environment of `container`. `base` holds what an image and the
 * kubelet would provide (PATH, HOME, HOSTNAME, KUBERNETES_SERVICE_*); errors
 * are the kubelet's CreateContainerConfigError messages.
 */
export function buildEnv(
  pod: V1Pod,
  container: V1Container,
  base: Readonly<Record<string, string>>,
  facts: PodFacts,
  data: ReferencedData,
): EnvResult {
  const ns = pod.metadata?.namespace ?? '';
  const env: Record<string, string> = { ...base, POD_IP: facts.podIP, HOST: facts.podIP };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let values: Readonly<Record<string, string>> | undefined;
    if (from.secretRef) {
      values = data.secrets.get(from.secretRef.name ?? '');
      if (!values && !from.secretRef.optional) return { error: `secret "${from.secretRef.name}" not found` };
    } else if (from.configMapRef) {
      values = data.configMaps.get(from.configMapRef.name ?? '');
      if (!values && !from.configMapRef.optional) return { error: `configmap "${from.configMapRef.name}" not found` };
    }
    for (const [k, v] of Object.entries(values ?? {})) if (!k.includes('=')) env[prefix + k] = v;
  }
  const lookup = (name: string) => env[name];
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      env[e.name] = expand(e.value ?? '', lookup);
      continue;
    }
    if (from.fieldRef) {
      const r = fieldRefValue(pod, from.fieldRef, facts);
      if ('error' in r) return r;
      env[e.name] = r.value;
    } else if (from.resourceFieldRef) {
      env[e.name] = resourceFieldValue(container, from.resourceFieldRef, facts);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const secret = data.secrets.get(ref.name ?? '');
      if (!secret) {
        if (ref.optional) continue;
        return { error: `secret "${ref.name}" not found` };
      }
      const value = secret[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        return { error: `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}` };
      }
      env[e.name] = value;
    } else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = data.configMaps.get(ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        return { error: `configmap "${ref.name}" not found` };
      }
      const value = cm[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        return { error: `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}` };
      }
      env[e.name] = value;
    }
  }
  return { env };
}

/** `command` + `args` with `$(VAR)` expanded against the final environment. */
export function expandCommand(container: V1Container, env: Readonly<Record<string, string>>): string[] {
  const lookup = (name: string) => env[name];
  return [...(container.command ?? []), ...(container.args ?? [])].map((a) => expand(a, lookup));
}

/** The KUBERNETES_SERVICE_* variables, pointing at the real apiserver so in-cluster config works. */
export function serviceEnv(apiserver: URL): Record<string, string> {
  if (apiserver.protocol !== 'https:') return {};
  const host = apiserver.hostname.replace(/^\[|\]$/g, '');
  const port = apiserver.port || '443';
  const tcp = `tcp://${apiserver.host}`;
  return {
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_SERVICE_PORT_HTTPS: port,
    KUBERNETES_PORT: tcp,
    [`KUBERNETES_PORT_${port}_TCP`]: tcp,
    [`KUBERNETES_PORT_${port}_TCP_PROTO`]: 'tcp',
    [`KUBERNETES_PORT_${port}_TCP_PORT`]: port,
    [`KUBERNETES_PORT_${port}_TCP_ADDR`]: host,
  };
}
