/**
 * Tags an image the node's registry holds under another name, with the
 * registry's own HTTP API (OCI distribution): the blobs are mounted across
 * repositories, then the same manifest is put under the new tag. Nothing is
 * pulled or pushed, so it takes a few milliseconds.
 */

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST_TYPES = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json'];

/** `host:port/repository` and a tag or `sha256:` digest. */
interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly reference: string;
}

/** Splits `registry/repository@digest` or `registry/repository:tag`; anything else is a clear error. */
export function parseImageRef(ref: string): ImageRef {
  const slash = ref.indexOf('/');
  const at = ref.indexOf('@');
  const colon = ref.lastIndexOf(':');
  const end = at >= 0 ? at : colon > ref.lastIndexOf('/') ? colon : -1;
  if (slash <= 0 || end <= slash + 1 || end === ref.length - 1) {
    throw new Error(`"${ref}" is not an image reference of the form <registry>/<repository>:<tag> or <registry>/<repository>@<digest>`);
  }
  return { registry: ref.slice(0, slash), repository: ref.slice(slash + 1, end), reference: ref.slice(end + 1) };
}

/** Makes `target` (`<registry>/<repository>:<tag>`) name the image `source` names, in the same registry. */
export async function tagImage(source: string, target: string): Promise<void> {
  const from = parseImageRef(source);
  const to = parseImageRef(target);
  if (from.registry !== to.registry) throw new Error(`cannot tag ${source} as ${target}: they are in different registries`);
  const api = `http://${from.registry}/v2`;
  const call = async (what: string, url: string, init: RequestInit, expected: number) => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}`, { cause: error });
    });
    if (res.status !== expected) throw new Error(`${what}: the registry answered ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res;
  };
  const got = await call(`reading ${source}`, `${api}/${from.repository}/manifests/${from.reference}`, { headers: { accept: MANIFEST_TYPES.join(', ') } }, 200);
  const type = got.headers.get('content-type') ?? OCI_MANIFEST;
  const manifest = Buffer.from(await got.arrayBuffer());
  const { config, layers } = JSON.parse(manifest.toString('utf8')) as { config?: { digest: string }; layers?: { digest: string }[] };
  if (!config || !layers) throw new Error(`reading ${source}: not an image manifest (${type})`);
  for (const { digest } of [config, ...layers]) {
    const mount = `${api}/${to.repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from.repository)}`;
    await call(`mounting ${digest} from ${from.repository} into ${to.repository}`, mount, { method: 'POST' }, 201);
  }
  await call(`tagging ${target}`, `${api}/${to.repository}/manifests/${to.reference}`, { method: 'PUT', headers: { 'content-type': type }, body: manifest }, 201);
}
