import type { V1Container, V1EnvVar, V1PodSpec, V1PodTemplateSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { assertLabels, sortedRecord } from './validate.js';

/** Pod fields other than the ones the builder collects (containers, init containers, volumes). */
export type PodSettings = Omit<V1PodSpec, 'containers' | 'initContainers' | 'volumes'>;

/**
 * A pod template under construction, extended by small part functions
 * instead of rewriting another builder's output: add containers, init
 * containers (they run in the order added), volumes, labels, annotations,
 * and env or mounts of a container already added. {@link build} checks that
 * names are unique and every mount has its volume, then returns the
 * template with keys in a stable (sorted) order.
 */
export class PodTemplateBuilder {
  private readonly labels: Record<string, string> = {};
  private readonly annotations: Record<string, string> = {};
  private readonly initContainers: V1Container[] = [];
  private readonly containers: V1Container[] = [];
  private readonly volumes: V1Volume[] = [];

  /** @param builder the public builder's name, used in error messages. */
  constructor(
    private readonly builder: string,
    private readonly settings: PodSettings,
  ) {}

  /** Adds pod labels; a key set twice with two values is an error. */
  addLabels(labels: Readonly<Record<string, string>>): this {
    assertLabels(this.builder, labels);
    addEntries(this.builder, 'label', this.labels, labels);
    return this;
  }

  /** Adds pod annotations; a key set twice with two values is an error. */
  addAnnotations(annotations: Readonly<Record<string, string>>): this {
    addEntries(this.builder, 'annotation', this.annotations, annotations);
    return this;
  }

  /** Adds an init container; init containers run one after another, in the order added. */
  addInitContainer(container: V1Container): this {
    this.initContainers.push(container);
    return this;
  }

  /** Adds an app container. */
  addContainer(container: V1Container): this {
    this.containers.push(container);
    return this;
  }

  /** Adds a volume for the containers' mounts. */
  addVolume(volume: V1Volume): this {
    this.volumes.push(volume);
    return this;
  }

  /** Appends environment variables to the (init) container `name`. */
  addEnv(name: string, ...env: V1EnvVar[]): this {
    return this.update(name, (c) => ({ ...c, env: [...(c.env ?? []), ...env] }));
  }

  /** Appends a volume mount to the (init) container `name`. */
  addVolumeMount(name: string, mount: V1VolumeMount): this {
    return this.update(name, (c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] }));
  }

  /** The template: pod metadata and spec, after checking names and mounts. */
  build(): V1PodTemplateSpec {
    const all = [...this.initContainers, ...this.containers];
    if (this.containers.length === 0) throw new ManifestError('InvalidName', this.builder, 'the pod has no container; add one with addContainer');
    assertUnique(this.builder, 'container', all.map((c) => c.name));
    assertUnique(this.builder, 'volume', this.volumes.map((v) => v.name));
    const volumeNames = new Set(this.volumes.map((v) => v.name));
    for (const c of all) {
      for (const m of c.volumeMounts ?? []) {
        if (!volumeNames.has(m.name)) {
          throw new ManifestError('InvalidName', this.builder, `container "${c.name}" mounts volume "${m.name}", which the pod does not have; add it with addVolume`);
        }
      }
    }
    const metadata = {
      ...(Object.keys(this.annotations).length > 0 && { annotations: sortedRecord(this.annotations) }),
      labels: { ...this.labels },
    };
    const spec: V1PodSpec = {
      ...this.settings,
      containers: this.containers,
      ...(this.initContainers.length > 0 && { initContainers: this.initContainers }),
      ...(this.volumes.length > 0 && { volumes: this.volumes }),
    };
    return { metadata, spec: sortedRecord(spec as unknown as Record<string, unknown>) as unknown as V1PodSpec };
  }

  private update(name: string, change: (c: V1Container) => V1Container): this {
    for (const list of [this.initContainers, this.containers]) {
      const i = list.findIndex((c) => c.name === name);
      if (i >= 0) {
        list[i] = change(list[i] as V1Container);
        return this;
      }
    }
    throw new ManifestError('InvalidName', this.builder, `no container "${name}" to extend; add it first`);
  }
}

function addEntries(builder: string, what: string, into: Record<string, string>, entries: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(entries)) {
    if (key in into && into[key] !== value) {
      throw new ManifestError('InvalidLabel', builder, `${what} "${key}" is set twice ("${into[key]}" and "${value}"); keep one`);
    }
    into[key] = value;
  }
}

function assertUnique(builder: string, what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ManifestError('InvalidName', builder, `two ${what}s are named "${name}"; give each its own name`);
    seen.add(name);
  }
}
