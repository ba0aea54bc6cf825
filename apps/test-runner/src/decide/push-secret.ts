import type { Application } from '@sluice/delivery';
import { ANNOTATIONS } from '@sluice/delivery';

/** What the runner reads of a registry push Secret: only its annotations (its data stays in the cluster). */
export interface PushSecretFacts {
  readonly metadata: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
}

/** The build's push credential, decided by {@link decidePushSecret}. */
export type PushSecretDecision =
  /** Mount this Secret into the build step. `shared`: the cluster-wide migration Secret, not the Application's own. */
  | { readonly kind: 'use'; readonly secretName: string; readonly shared: boolean }
  /** Build nothing: the stage fails `NotOwned` with this message (it names the Secret and both repositories). */
  | { readonly kind: 'refuse'; readonly reason: 'NotOwned'; readonly message: string };

/** The Secret the runner must read before the build Job of `application`, or undefined: it names none (the shared one is used). */
export function pushSecretToRead(application: Application): string | undefined {
  return application.spec.build.pushSecretName;
}

/**
 * Which registry Secret the build Job of `application` mounts. An
 * Application naming `spec.build.pushSecretName` gets that Secret only when
 * it exists in the build namespace and its `sluice.dev/repository`
 * annotation equals the Application's `spec.build.repository`: a Secret is
 * scoped to the one repository its owner annotated, so a crafted Application
 * can never push with another team's credential (`NotOwned`; no Job is
 * made). Without the field, the shared `sharedSecret`
 * (SLUICE_REGISTRY_CREDENTIALS_SECRET) is used — for migration only. Pure.
 */
export function decidePushSecret(
  application: Application,
  secret: PushSecretFacts | undefined,
  where: { readonly buildNamespace: string; readonly sharedSecret: string },
): PushSecretDecision {
  const name = pushSecretToRead(application);
  if (name === undefined) return { kind: 'use', secretName: where.sharedSecret, shared: true };
  const repository = application.spec.build.repository;
  const label = `push Secret ${where.buildNamespace}/${name}`;
  const mine = `Application ${application.metadata.name} builds ${repository}`;
  if (secret === undefined) {
    return { kind: 'refuse', reason: 'NotOwned', message: `${label} does not exist, so it is for no repository; ${mine}` };
  }
  const scope = secret.metadata.annotations?.[ANNOTATIONS.repository];
  if (scope === undefined || scope === '') {
    return { kind: 'refuse', reason: 'NotOwned', message: `${label} is for no repository (no ${ANNOTATIONS.repository} annotation); ${mine}` };
  }
  if (scope !== repository) {
    return { kind: 'refuse', reason: 'NotOwned', message: `${label} is for repository ${scope}, but ${mine}` };
  }
  return { kind: 'use', secretName: name, shared: false };
}
