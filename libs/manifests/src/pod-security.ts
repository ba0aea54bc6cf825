import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/**
 * UID/GID the workload runs as when the caller does not say. A high,
 * unnamed ID avoids colliding with users baked into common base images.
 */
export const DEFAULT_RUN_AS_USER = 10001;

/**
 * Pod-level context that satisfies the `restricted` Pod Security Standard.
 * `fsGroup` makes mounted Secret files group-readable by the non-root user.
 */
export function hardenedPodSecurityContext(runAsUser: number = DEFAULT_RUN_AS_USER): V1PodSecurityContext {
  return {
    fsGroup: runAsUser,
    runAsGroup: runAsUser,
    runAsNonRoot: true,
    runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Container-level context repeated on every container, so each container
 * stays compliant even if the pod-level context is later changed.
 */
export function hardenedContainerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
