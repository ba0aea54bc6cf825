import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The base images every node serves from its own registry. */
export const IMAGE_NAMES = ['shell', 'node', 'git', 'builder', 'otelcol', 'pause', 'coredns'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** Full image references with digest, e.g. `10.240.0.2:5000/sluice/shell@sha256:…`. */
export type ImageRefs = Readonly<Record<ImageName, string>>;

interface ImageEntry {
  readonly repository: string;
  readonly digest: string;
}

/** Reads `images.json` of an images.sh output directory and names each image on `registry`. */
export async function imageRefs(imagesDir: string, registry: string): Promise<ImageRefs> {
  const entries = JSON.parse(await readFile(join(imagesDir, 'images.json'), 'utf8')) as Record<string, ImageEntry>;
  const refs = {} as Record<ImageName, string>;
  for (const name of IMAGE_NAMES) {
    const entry = entries[name];
    if (!entry) throw new Error(`images.json in ${imagesDir} has no "${name}" image`);
    refs[name] = `${registry}/${entry.repository}@${entry.digest}`;
  }
  return refs;
}
