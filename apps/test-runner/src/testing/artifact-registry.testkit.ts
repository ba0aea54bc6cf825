/**
 * The local "registry" the archive build uploads to in the integration tests:
 * the GitLab stand-in's artifact registry (`@sluice/gitlab-stand-in`) with
 * the credentials the tests' registry Secret holds.
 */
import { startArtifactRegistry as startRegistry, type ArtifactRegistry } from '@sluice/gitlab-stand-in';

export type { ArtifactRegistry };

export const REGISTRY_USER = 'sluice-builder';
export const REGISTRY_PASSWORD = 'registry-test-password';

/** Starts the registry on 127.0.0.1 with an ephemeral port, accepting uploads with {@link REGISTRY_USER}/{@link REGISTRY_PASSWORD}. */
export function startArtifactRegistry(): Promise<ArtifactRegistry> {
  return startRegistry({ username: REGISTRY_USER, password: REGISTRY_PASSWORD });
}
